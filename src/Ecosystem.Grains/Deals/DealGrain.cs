using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Metrics;
using Ecosystem.Contracts.Partners;
using Ecosystem.Contracts.Push;
using Ecosystem.Domain.Attribution;
using Ecosystem.Domain.Money;
using Ecosystem.Domain.Program;
using Ecosystem.Grains.Program;
using Ecosystem.Domain.Deals;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;
using Ecosystem.Grains.Metrics;
using Ecosystem.Grains.Projections;
using Ecosystem.Grains.Push;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Deals;

/// <summary>
/// One deal: its registration, stage, amount, outcome, participants and timeline, and its live room
/// (who is present, pushes to everyone in it).
/// </summary>
public sealed partial class DealGrain(
    [PersistentState("deal", StorageNames.Default)] IPersistentState<ProjectionSnapshot<DealState>> snapshot,
    IEventLog log,
    Pushes pushes,
    ProgramCache programs,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time,
    ILogger<DealGrain> logger)
    : ProjectionGrain<DealState>(snapshot, log, logger), IDealGrain, IRemindable
{

    /// <summary>A busy room gets at most one DealChanged per this interval; the first change goes out at once.</summary>
    private static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>A deal reports its part of the ecosystem's figures at most once per this interval.</summary>
    private static readonly TimeSpan MetricsInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(1);
    private static readonly TimeSpan PresenceSweep = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PresenceTimeout = Pushes.RegisterEvery * 3;

    // Made when someone first joins: most deals are never watched.
    private Dictionary<string, (string NodeId, RoomMember Member, DateTimeOffset Seen)>? _present;
    private ITimer? _expiryTimer;
    private IGrainTimer? _presenceTimer;
    private PushThrottle? _throttle;
    private string? _lastAttributionPushed;
    private Dictionary<string, DealContribution>? _lastContributions;
    private PushThrottle? _metricsThrottle;
    private DealMetricsReport? _lastMetrics;
    private (AttributionInputs Inputs, DealAttributionView View)? _lastAttribution;
    private bool _metricsSent;
    private MetricsReportVersion? _metricsVersion;

    protected override StreamKind Kind => StreamKind.Deal;

    private Dictionary<string, (string NodeId, RoomMember Member, DateTimeOffset Seen)> Members => _present ??= new(StringComparer.Ordinal);

    private bool RoomIsEmpty => _present is null || _present.Count == 0;

    /// <summary>
    /// A deal's stream is short (tens to hundreds of events), so each activation folds all of it: the snapshot keeps
    /// only what the log cannot give back, and a busy deal costs no checkpoint writes of its growing timeline.
    /// </summary>
    protected override DealState CarryOver(DealState saved) => new()
    {
        Reps = saved.Reps,
        ContributedTo = saved.ContributedTo,
        ContributionsSent = saved.ContributionsSent,
    };

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        ArmExpiryTimer();
        if (State.Outcome is not null)
        {
            // A closed deal tells its partners once per activation: a crash may have come between a change of its
            // credits and the partners hearing of it. Partners ignore what they already have.
            await SendContributionsAsync(onlyIfChanged: false);
        }

        await ReportMetricsAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _expiryTimer?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    protected override void When(LoggedEvent logged)
    {
        var e = logged.Event;
        var s = State;
        AddToTimeline(new TimelineEntry(logged.Seq, logged.AcceptedAt, e));
        switch (e.Type)
        {
            case EventTypes.DealRegistered when s.RegisteredBy is null:
                s.AccountId = e.AccountId;
                s.RegisteredBy = e.PartnerId;
                s.RegisteredAt = e.OccurredAt;
                if (s.AmountChangedAt is null)
                {
                    s.Amount = e.Amount;
                    s.Currency = e.Currency;
                }

                // Every registration reaches the log through its account, which records the decision with it.
                s.RegistrationStatus = logged.Registration?.Status ?? RegistrationStatus.Approved;
                AddTouch(new Touch(e.PartnerId!, TouchRoles.Sourced, e.OccurredAt, logged.Seq));
                s.ConflictsWith = logged.Registration?.ConflictsWith;
                s.ExpiresAt = logged.Registration?.ExpiresAt;
                AddPartner(e.PartnerId!, TouchRoles.Sourced);
                break;
            case EventTypes.DealRegistrationReviewed when s.RegistrationStatus == RegistrationStatus.PendingReview:
                s.RegistrationStatus = e.Decision;
                break;
            case EventTypes.DealTouch when logged.IsClaim:
                (s.Claims ??= []).Add(new DealClaimView(e.Id, e.PartnerId!, e.Role!, e.OccurredAt, ClaimStatus.Pending, Seq: logged.Seq));
                break;
            case EventTypes.DealTouch:
                AddPartner(e.PartnerId!, e.Role!);
                AddTouch(new Touch(e.PartnerId!, e.Role!, e.OccurredAt, logged.Seq));
                break;
            case EventTypes.DealClaimReviewed when s.Claims?.FindIndex(c => c.ClaimId == e.ClaimId && c.Status == ClaimStatus.Pending) is { } i and >= 0:
                var claim = s.Claims[i] = s.Claims[i] with { Status = e.Decision!, ReviewedBy = logged.Actor.DisplayName, Reason = e.Reason };
                if (claim.Status == ClaimStatus.Approved)
                {
                    // It counts as the touch it was, at its own time and in the order it was accepted.
                    AddPartner(claim.PartnerId, claim.Role);
                    AddTouch(new Touch(claim.PartnerId, claim.Role, claim.At, claim.Seq));
                }

                break;
            // Deliveries can arrive out of order: the latest change (occurredAt, then log order) wins.
            case EventTypes.DealStageChanged when IsLatest(s.StageChangedAt, logged):
                s.Stage = e.Stage!;
                s.StageChangedAt = Version(logged);
                break;
            // Once closed, the amount is the closed one.
            case EventTypes.DealAmountChanged when s.Outcome is null && IsLatest(s.AmountChangedAt, logged):
                s.Amount = e.Amount;
                s.Currency = e.Currency;
                s.AmountChangedAt = Version(logged);
                break;
            case EventTypes.DealClosed when s.Outcome is null:
                s.Outcome = e.Outcome;
                s.ClosedAt = e.OccurredAt;
                if (e.Amount is not null)
                {
                    s.Amount = e.Amount;
                    s.Currency = e.Currency;
                }

                break;
        }
    }

    private static EventVersion Version(LoggedEvent e) => new(e.Event.OccurredAt, e.Seq);

    private static bool IsLatest(EventVersion? current, LoggedEvent e) =>
        current is not { } c || (e.Event.OccurredAt, e.Seq).CompareTo((c.OccurredAt, c.Seq)) > 0;

    /// <summary>Keeps the timeline in display order (occurredAt, then log order); events nearly always arrive in it.</summary>
    private void AddToTimeline(TimelineEntry entry)
    {
        var timeline = State.Timeline;
        var i = timeline.Count;
        while (i > 0 && (timeline[i - 1].Event.OccurredAt, timeline[i - 1].Seq).CompareTo((entry.Event.OccurredAt, entry.Seq)) > 0)
        {
            i--;
        }

        timeline.Insert(i, entry);
    }

    /// <summary>Keeps touches in attribution order (occurredAt, then log order), whatever order they arrive in.</summary>
    private void AddTouch(Touch touch)
    {
        var touches = State.Touches;
        var i = touches.Count;
        while (i > 0 && (touches[i - 1].At, touches[i - 1].Order).CompareTo((touch.At, touch.Order)) > 0)
        {
            i--;
        }

        touches.Insert(i, touch);
    }

    private void AddPartner(string partnerId, string role)
    {
        // The role names kept are TouchRoles' own strings, not the copies parsed from each event.
        role = TouchRoles.All.TryGetValue(role, out var known) ? known : role;
        var partners = State.Partners;
        var i = partners.FindIndex(p => string.Equals(p.PartnerId, partnerId, StringComparison.Ordinal));
        if (i < 0)
        {
            partners.Add(new DealPartner(partnerId, [role]));
        }
        else if (Array.IndexOf(partners[i].Roles, role) < 0)
        {
            partners[i] = partners[i] with { Roles = [.. partners[i].Roles, role] };
        }
    }

    protected override async Task AfterAppliedAsync(IReadOnlyList<LoggedEvent> applied)
    {
        foreach (var e in applied)
        {
            if (e.Event.Type == EventTypes.DealMessage && !RoomIsEmpty)
            {
                await pushes.DealMessage(new DealMessageView(Key, e.Event.Author!, e.Event.Text!, e.Event.OccurredAt));
            }

            if (e.Event.Type is EventTypes.DealRegistered or EventTypes.DealClosed or EventTypes.DealRegistrationReviewed)
            {
                ArmExpiryTimer();
            }
        }

        // A closed deal's credits change only when it closes, or when a touch from before the close arrives late.
        if (State.Outcome is not null
            && (!State.ContributionsSent || applied.Any(e => e.Event.Type is EventTypes.DealClosed or EventTypes.DealRegistered or EventTypes.DealClaimReviewed
                || (e.Event.Type == EventTypes.DealTouch && e.Event.OccurredAt <= State.ClosedAt))))
        {
            await SendContributionsAsync(onlyIfChanged: true);
        }

        // Chat and stage changes leave the deal's part in the figures as it was.
        if (applied.Any(e => e.Event.Type is not (EventTypes.DealMessage or EventTypes.DealStageChanged)))
        {
            await ReportMetricsAsync();
        }

        await PushChangedAsync();
    }

    // ---- Registration expiry -------------------------------------------------------------------

    /// <summary>
    /// The status as of now: a registration that still holds the account past its window is expired,
    /// even before the timer has said so.
    /// </summary>
    private string? EffectiveStatus()
    {
        var s = State;
        return s.RegistrationStatus is { } status && RegistrationStatus.Holds(status) && s.Outcome is null
            && s.ExpiresAt is { } expires && time.GetUtcNow() >= expires
            ? RegistrationStatus.Expired
            : s.RegistrationStatus;
    }

    private bool ExpiryPending =>
        State.RegistrationStatus is { } status && RegistrationStatus.Holds(status) && State.Outcome is null && State.ExpiresAt is not null;

    /// <summary>
    /// Nothing has to happen at the moment a registration expires: its status, and the account's freedom, are read
    /// against the clock (<see cref="EffectiveStatus"/>). Only a room with people in it should see the change as it
    /// happens, so a timer on the engine clock runs while someone is present. No reminder: an idle deal costs neither
    /// a write nor a wake-up for its expiry.
    /// </summary>
    private void ArmExpiryTimer()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        if (!ExpiryPending || RoomIsEmpty)
        {
            return;
        }

        // Timers cannot wait longer than ~49 days; a far expiry wakes up daily and re-arms.
        var due = State.ExpiresAt!.Value - time.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due > MaxTimerWait ? MaxTimerWait : due;
        var self = this.AsReference<IDealGrain>();
        // The callback runs outside the grain; calling the grain puts the work back on its turn.
        _expiryTimer = time.CreateTimer(_ => _ = self.ExpireIfDue(), null, due, Timeout.InfiniteTimeSpan);
    }

    private ITimer? ArmExpiryTimerReturning()
    {
        ArmExpiryTimer();
        return _expiryTimer;
    }

    public async Task ExpireIfDue()
    {
        if (ExpiryPending && EffectiveStatus() == RegistrationStatus.Expired)
        {
            State.RegistrationStatus = RegistrationStatus.Expired;
            LogExpired(Key, State.AccountId);
            await ReportMetricsAsync();
            await PushChangedAsync();
        }

        ArmExpiryTimer();
    }

    /// <summary>Earlier versions kept a reminder per registration; one that still ticks is retired here.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await ExpireIfDue();
    }

    public Task<bool> HoldsAccount()
    {
        if (State.RegisteredBy is null)
        {
            // Only an account asks, and only about a deal it recorded as holding: this deal has not
            // seen its registration yet, so the account's record stands.
            return Task.FromResult(true);
        }

        var status = EffectiveStatus();
        return Task.FromResult(status is not null && RegistrationStatus.Holds(status) && State.Outcome is null);
    }

    // ---- Views ------------------------------------------------------------------------------------

    public Task<DealView?> GetView() => BuildViewAsync(int.MaxValue);

    /// <param name="timelineTail">How many of the latest timeline entries the view holds.</param>
    private async Task<DealView?> BuildViewAsync(int timelineTail)
    {
        var s = State;
        if (s.Timeline.Count == 0)
        {
            return null;
        }

        var attribution = Attribute(null, await programs.GetAsync());

        var participants = s.Partners
            .Select(p => new ParticipantView("partner", p.PartnerId, [.. p.Roles]))
            .Concat(s.Reps.Select(r => new ParticipantView("rep", r, [])))
            .ToList();
        return new DealView
        {
            DealId = Key,
            AccountId = s.AccountId,
            RegisteredBy = s.RegisteredBy,
            Registration = EffectiveStatus() is { } status && s.ExpiresAt is { } expires
                ? new RegistrationDecision(status, s.ConflictsWith, expires)
                : null,
            Stage = s.Stage,
            Amount = s.Amount,
            Currency = s.Currency,
            Outcome = s.Outcome,
            ClosedAt = s.ClosedAt,
            Participants = participants,
            Timeline = s.Timeline.Count <= timelineTail ? [.. s.Timeline] : s.Timeline.GetRange(s.Timeline.Count - timelineTail, timelineTail),
            TimelineCount = s.Timeline.Count,
            Attribution = attribution,
            Claims = s.Claims is null ? [] : [.. s.Claims],
        };
    }

    // ---- Attribution ------------------------------------------------------------------------------

    public async Task<DealAttributionView?> GetAttribution(string? model) =>
        State.Timeline.Count == 0 ? null : Attribute(model, await programs.GetAsync());

    /// <summary>
    /// Credits from the recorded touches: the registration (a sourced touch by the registrant) and every
    /// deal.touch. The amount is the current one (the closed amount once closed). Null before the deal has
    /// an amount.
    /// </summary>
    private DealAttributionView? Attribute(string? model, ProgramSettings program)
    {
        var s = State;
        if (s.Amount is not { } amount || s.Currency is not { } currency)
        {
            return null;
        }

        // A push after a chat line or a stage change would compute the same credits again: touches are only ever
        // added (a refold makes a new list), so their count, with the rest of the inputs, says whether they moved.
        var inputs = new AttributionInputs(s.Touches, s.Touches.Count, amount, currency, s.Outcome, s.ClosedAt, s.RegistrationStatus,
            s.RegisteredBy, model ?? program.Attribution.DefaultModel, program);
        if (_lastAttribution is { } last && last.Inputs == inputs)
        {
            return last.View;
        }

        var input = new AttributionInput(
            amount,
            currency,
            s.Touches,
            s.Outcome is null ? null : s.ClosedAt,
            s.RegistrationStatus == RegistrationStatus.Approved ? s.RegisteredBy : null);
        var result = AttributionCalculator.Compute(inputs.Model, input, program.Attribution);
        var view = new DealAttributionView(Key, result.Model, result.Amount, result.Currency, result.Credits);
        _lastAttribution = (inputs, view);
        return view;
    }

    /// <summary>Everything <see cref="Attribute"/> reads, compared to reuse its last answer.</summary>
    private readonly record struct AttributionInputs(
        List<Touch> Touches, int TouchCount, decimal Amount, string Currency, string? Outcome, DateTimeOffset? ClosedAt,
        string? RegistrationStatus, string? RegisteredBy, string Model, ProgramSettings Program);

    /// <summary>
    /// Tells every partner with a part in this closed deal what it contributes to its KPIs (and partners
    /// that had a part before, under another program, that they have none now). With <paramref name="onlyIfChanged"/>,
    /// partners whose contribution is the one last sent by this activation are not called again.
    /// </summary>
    private async Task SendContributionsAsync(bool onlyIfChanged)
    {
        var s = State;
        if (s.Outcome is null || s.ClosedAt is not { } closedAt)
        {
            return;
        }

        var program = await programs.GetAsync();
        var attribution = Attribute(null, program);
        var credits = attribution?.Credits ?? [];
        var on = DateOnly.FromDateTime(closedAt.UtcDateTime);
        var sent = new Dictionary<string, DealContribution>(StringComparer.Ordinal);
        foreach (var credit in credits)
        {
            var contribution = new DealContribution
            {
                Outcome = s.Outcome,
                ClosedAt = closedAt,
                Sourced = credit.Sourced,
                AccountId = s.AccountId,
                Amount = attribution!.Amount,
                Currency = attribution.Currency,
                Credit = credit.Amount,
                ReportingAmount = FxConversion.ToReporting(attribution.Amount, attribution.Currency, on, program),
                ReportingCredit = FxConversion.ToReporting(credit.Amount, attribution.Currency, on, program),
            };
            sent[credit.PartnerId] = contribution;
            if (!onlyIfChanged || _lastContributions is null || !Equals(_lastContributions.GetValueOrDefault(credit.PartnerId), contribution))
            {
                await GrainFactory.GetGrain<IPartnerGrain>(credit.PartnerId).SetDealContribution(Key, contribution);
            }
        }

        foreach (var gone in s.ContributedTo.Where(p => !sent.ContainsKey(p)))
        {
            await GrainFactory.GetGrain<IPartnerGrain>(gone).SetDealContribution(Key, null);
        }

        _lastContributions = sent;
        var partners = sent.Keys.ToList();
        if (!s.ContributionsSent || !partners.SequenceEqual(s.ContributedTo, StringComparer.Ordinal))
        {
            s.ContributedTo = partners;
            s.ContributionsSent = true;
            await SaveAsync();
        }
    }

    public async Task Rebuild()
    {
        await RefoldAsync(old =>
        {
            var fresh = CarryOver(old);
            fresh.ContributionsSent = false;
            return fresh;
        });
        ArmExpiryTimer();
        _lastContributions = null;
        await SendContributionsAsync(onlyIfChanged: false);
        // Replay is also how the figures heal after the metrics lost their last seconds: report even an unchanged part.
        _metricsSent = false;
        await ReportMetricsAsync();
        await PushChangedAsync();
    }

    // ---- Decisions -------------------------------------------------------------------------------

    public async Task<CommandResult> Decide(ActivityEvent e, EventActor actor)
    {
        await CatchUpBeforeDecidingAsync();
        if (State.Timeline.Exists(t => t.Event.Id == e.Id))
        {
            return new CommandResult(null, true, null);
        }

        var s = State;
        switch (e.Type)
        {
            case EventTypes.DealRegistrationReviewed:
                var status = EffectiveStatus();
                return status == RegistrationStatus.PendingReview
                    ? CommandResult.From(await AppendOwnAsync(new PendingEvent(e, actor)))
                    : CommandResult.Rejected($"the registration of deal '{Key}' is {status ?? "unknown"}, not pending_review");
            case EventTypes.DealClaimReviewed:
                var claim = s.Claims?.Find(c => c.ClaimId == e.ClaimId);
                if (claim is null)
                {
                    return CommandResult.Rejected($"claimId: deal '{Key}' has no claim '{e.ClaimId}'");
                }

                if (claim.Status != ClaimStatus.Pending)
                {
                    return CommandResult.Rejected($"claimId: claim '{e.ClaimId}' of deal '{Key}' is already {claim.Status}");
                }

                // The review names the claimant, so it is in the partner's history too and its view lists the outcome.
                return CommandResult.From(await AppendOwnAsync(new PendingEvent(e with { PartnerId = claim.PartnerId }, actor)));
            case EventTypes.DealTouch:
                // Staff and the engine touch at once; a partner that is not part of the deal yet claims.
                var isClaim = actor.Role == Contracts.Keys.Roles.Partner && !IsPartner(e.PartnerId!);
                return CommandResult.From(await AppendOwnAsync(new PendingEvent(e, actor, IsClaim: isClaim)));
            default:
                return CommandResult.Rejected($"type: {e.Type} is not decided by a deal");
        }
    }

    private bool IsPartner(string partnerId) => State.Partners.Exists(p => string.Equals(p.PartnerId, partnerId, StringComparison.Ordinal));

    public Task<bool> IsParticipant(string partnerId) => Task.FromResult(IsPartner(partnerId));

    // ---- Metrics ----------------------------------------------------------------------------------

    /// <summary>
    /// Tells the ecosystem's figures this deal's part when it changed since the last report of this activation: at
    /// once, or at the end of <see cref="MetricsInterval"/> when a report went out less than that ago (a one-way call,
    /// the latest part). Most events (touches by partners already credited, chat, stages) leave the part as it was and
    /// cost only the comparison; the part is outlined (who is credited), not a full computation of the credits.
    /// </summary>
    private async Task ReportMetricsAsync()
    {
        var (_, unchanged) = await CurrentMetricsAsync();
        if (unchanged)
        {
            return;
        }

        _metricsThrottle ??= new PushThrottle(MetricsInterval, SendMetricsAsync,
            (callback, due) => this.RegisterGrainTimer(callback, due, Timeout.InfiniteTimeSpan));
        await _metricsThrottle.RequestAsync();
    }

    private async Task<(DealMetricsReport? Report, bool Unchanged)> CurrentMetricsAsync()
    {
        if (State.Timeline.Count == 0)
        {
            return (null, true);
        }

        var report = MetricsReports.ForDeal(State, State.RegistrationStatus == RegistrationStatus.Approved ? State.RegisteredBy : null, await programs.GetAsync());
        return (report, _metricsSent && report == _lastMetrics);
    }

    private async Task SendMetricsAsync()
    {
        var (report, unchanged) = await CurrentMetricsAsync();
        if (unchanged)
        {
            return;
        }

        _metricsSent = true;
        _lastMetrics = report;
        await GrainFactory.GetGrain<IMetricsGrain>(IMetricsGrain.Key).ReportDeal(Key, (_metricsVersion ??= new(time)).Next(), report);
    }

    // ---- Pushes -----------------------------------------------------------------------------------

    /// <summary>
    /// Pushes the view now, or once at the end of the current interval if one went out just before. An empty room
    /// gets nothing: whoever joins later receives the view from JoinDeal.
    /// </summary>
    private Task PushChangedAsync()
    {
        if (RoomIsEmpty)
        {
            return Task.CompletedTask;
        }

        _throttle ??= new PushThrottle(PushInterval, PushViewAsync,
            (callback, due) => this.RegisterGrainTimer(callback, due, Timeout.InfiniteTimeSpan));
        return _throttle.RequestAsync();
    }

    private async Task PushViewAsync()
    {
        if (await BuildViewAsync(DealView.PushTimelineTail) is not { } view)
        {
            return;
        }

        await pushes.DealChanged(view);
        // AttributionChanged only when the credits moved, not on every chat line.
        if (view.Attribution is { } attribution)
        {
            var signature = string.Join(';', attribution.Model, attribution.Amount, attribution.Currency,
                string.Join(',', attribution.Credits.Select(c => $"{c.PartnerId}={c.Amount}/{c.Sourced}/{c.Touches.Count}")));
            if (signature != _lastAttributionPushed)
            {
                _lastAttributionPushed = signature;
                await pushes.AttributionChanged(attribution);
            }
        }
    }

    // ---- Presence ---------------------------------------------------------------------------------

    public async Task<IReadOnlyList<string>> Join(string nodeId, RoomMember member)
    {
        Members[member.ConnectionId] = (nodeId, member, time.GetUtcNow());
        if (member.Role == Contracts.Keys.Roles.Rep && !State.Reps.Contains(member.Name))
        {
            State.Reps.Add(member.Name);
            await SaveAsync();
            await PushChangedAsync();
        }

        _presenceTimer ??= this.RegisterGrainTimer(SweepPresenceAsync, new GrainTimerCreationOptions(PresenceSweep, PresenceSweep) { KeepAlive = true });
        _expiryTimer ??= ArmExpiryTimerReturning();
        await PushPresenceAsync();
        return Present();
    }

    public async Task Leave(string connectionId)
    {
        if (Members.Remove(connectionId))
        {
            if (Members.Count == 0)
            {
                ArmExpiryTimer();
            }

            await PushPresenceAsync();
        }
    }

    public async Task Heartbeat(string nodeId, IReadOnlyList<RoomMember> members)
    {
        var before = Present();
        var now = time.GetUtcNow();
        foreach (var m in members)
        {
            Members[m.ConnectionId] = (nodeId, m, now);
        }

        foreach (var gone in Members.Where(p => p.Value.NodeId == nodeId && members.All(m => m.ConnectionId != p.Key)).Select(p => p.Key).ToList())
        {
            Members.Remove(gone);
        }

        if (!before.SequenceEqual(Present()))
        {
            await PushPresenceAsync();
        }

        _presenceTimer ??= this.RegisterGrainTimer(SweepPresenceAsync, new GrainTimerCreationOptions(PresenceSweep, PresenceSweep) { KeepAlive = true });
        _expiryTimer ??= ArmExpiryTimerReturning();
    }

    /// <summary>Drops members whose node has stopped vouching for them (the node died).</summary>
    private async Task SweepPresenceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - PresenceTimeout;
        var stale = Members.Where(p => p.Value.Seen < cutoff).Select(p => p.Key).ToList();
        foreach (var connection in stale)
        {
            Members.Remove(connection);
        }

        if (stale.Count > 0)
        {
            await PushPresenceAsync();
        }

        if (Members.Count == 0)
        {
            _presenceTimer?.Dispose();
            _presenceTimer = null;
            ArmExpiryTimer();
        }
    }

    private IReadOnlyList<string> Present() =>
        [.. Members.Values.Select(p => p.Member.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private Task PushPresenceAsync() => pushes.PresenceChanged(new PresenceView(Key, Present()));

    [LoggerMessage(Level = LogLevel.Information, Message = "Registration of deal {DealId} on account {AccountId} expired; the account is free")]
    private partial void LogExpired(string dealId, string? accountId);
}
