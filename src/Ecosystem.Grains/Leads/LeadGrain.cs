using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Leads;
using Ecosystem.Contracts.Metrics;
using Ecosystem.Contracts.Partners;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;
using Ecosystem.Grains.Metrics;
using Ecosystem.Grains.Program;
using Ecosystem.Grains.Projections;
using Ecosystem.Grains.Push;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Leads;

/// <summary>
/// One lead. Client events (submitted, accepted, declined, converted) come from the log; the routing
/// decisions (offers, expiries) are the grain's own and are saved the moment they are taken, before
/// anyone is told. Not reentrant: one decision at a time.
/// </summary>
public sealed partial class LeadGrain(
    [PersistentState("lead", StorageNames.Default)] IPersistentState<ProjectionSnapshot<LeadState>> snapshot,
    IEventLog log,
    Pushes pushes,
    ProgramCache programs,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time,
    ILogger<LeadGrain> logger)
    : ProjectionGrain<LeadState>(snapshot, log, logger), ILeadGrain, IRemindable
{
    private const string OfferReminder = "offer-expiry";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(1);
    private readonly IEventLog _log = log;
    private ITimer? _offerTimer;

    protected override StreamKind Kind => StreamKind.Lead;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (State.Status == LeadStatus.New && State.Submitted)
        {
            // Submitted (or declined) while the last activation could not route it: route it now.
            await RouteNextAsync();
        }

        ArmOfferTimer();
        // A notice lost with a node (the partner's, or this lead's own before it could tell) is sent again.
        await ResendNoticesAsync();
        await ReportMetricsAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _offerTimer?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    protected override void When(LoggedEvent logged)
    {
        var e = logged.Event;
        var s = State;
        switch (e.Type)
        {
            case EventTypes.LeadSubmitted when !s.Submitted:
                s.Submitted = true;
                s.SubmittedAt = e.OccurredAt;
                s.AccountId = e.AccountId;
                s.Region = e.Region;
                s.Industry = e.Industry;
                s.Source = e.Source;
                s.SourcePartnerId = e.SourcePartnerId;
                break;
            // An answer seen before (a replayed copy) changes nothing; the first sighting records its id and falls through.
            case EventTypes.LeadAccepted or EventTypes.LeadDeclined when !s.AnswerIds.Add(e.Id):
                break;
            case EventTypes.LeadAccepted when s.Status == LeadStatus.Offered && s.OfferedTo == e.PartnerId:
                s.Status = LeadStatus.Accepted;
                s.AcceptedBy = e.PartnerId;
                s.History.Add(new LeadHistoryEntry(e.PartnerId!, "accepted", logged.AcceptedAt, null, e.Reason is null ? [] : [e.Reason]));
                ClearOffer();
                break;
            case EventTypes.LeadDeclined when s.Status == LeadStatus.Offered && s.OfferedTo == e.PartnerId:
                s.Status = LeadStatus.New;
                s.History.Add(new LeadHistoryEntry(e.PartnerId!, "declined", logged.AcceptedAt, null, e.Reason is null ? [] : [e.Reason]));
                ClearOffer();
                break;
            case EventTypes.LeadConverted when s.DealId is null:
                s.DealId = e.DealId;
                s.ConversionId = e.Id;
                s.Status = LeadStatus.Converted;
                break;
        }
    }

    private void ClearOffer()
    {
        State.OfferedTo = null;
        State.OfferExpiresAt = null;
    }

    protected override async Task AfterAppliedAsync(IReadOnlyList<LoggedEvent> applied)
    {
        foreach (var logged in applied)
        {
            var e = logged.Event;
            switch (e.Type)
            {
                case EventTypes.LeadAccepted when State.AcceptedBy == e.PartnerId:
                    await TellPartnerAsync(e.PartnerId!, "accepted", logged.AcceptedAt);
                    break;
                case EventTypes.LeadDeclined when State.History.LastOrDefault(h => h.PartnerId == e.PartnerId)?.Outcome == "declined":
                    await TellPartnerAsync(e.PartnerId!, "declined", logged.AcceptedAt);
                    await GrainFactory.GetGrain<IRoutingIndexGrain>(RegionKey).Release(e.PartnerId!);
                    break;
                case EventTypes.LeadConverted when State.AcceptedBy is { } partner && State.DealId == e.DealId:
                    await TellPartnerAsync(partner, "converted", logged.AcceptedAt);
                    await GrainFactory.GetGrain<IRoutingIndexGrain>(RegionKey).Release(partner);
                    await TouchConvertedDealAsync(partner, e.DealId!, logged.AcceptedAt);
                    break;
            }
        }

        await SaveAsync();
        if (State.Status == LeadStatus.New && State.Submitted)
        {
            await RouteNextAsync();
        }

        await ScheduleOfferExpiryAsync();
        await ReportMetricsAsync();
    }

    private string RegionKey => IRoutingIndexGrain.KeyFor(State.Region);

    // ---- Answers --------------------------------------------------------------------------------------

    public async Task<CommandResult> Decide(ActivityEvent e, EventActor actor)
    {
        var s = State;
        if (e.Type is EventTypes.LeadAccepted or EventTypes.LeadDeclined)
        {
            if (s.AnswerIds.Contains(e.Id))
            {
                return new CommandResult(null, true, null);
            }

            if (s.Status != LeadStatus.Offered || s.OfferedTo != e.PartnerId)
            {
                return CommandResult.Rejected(!s.Submitted ? $"lead '{Key}' has not been submitted"
                    : s.Status == LeadStatus.Offered ? $"lead '{Key}' is offered to another partner"
                    : $"lead '{Key}' is {s.Status}, not offered to partner '{e.PartnerId}'");
            }

            return CommandResult.From(await AppendOwnAsync(new PendingEvent(e, actor)));
        }

        if (e.Type != EventTypes.LeadConverted)
        {
            return CommandResult.Rejected($"type: {e.Type} is not decided by a lead");
        }

        if (s.ConversionId == e.Id)
        {
            return new CommandResult(null, true, null);
        }

        if (s.Status != LeadStatus.Accepted)
        {
            return CommandResult.Rejected(s.Status == LeadStatus.Converted
                ? $"lead '{Key}' was already converted into deal '{s.DealId}'"
                : $"lead '{Key}' is {(s.Status == LeadStatus.New ? LeadStatus.Unroutable : s.Status)}; only an accepted lead converts");
        }

        if (actor.Role == Contracts.Keys.Roles.Partner && actor.PartnerId != s.AcceptedBy)
        {
            return CommandResult.Rejected($"lead '{Key}' is not held by partner '{actor.PartnerId}'");
        }

        return CommandResult.From(await AppendOwnAsync(new PendingEvent(e, actor)));
    }

    // ---- Routing --------------------------------------------------------------------------------------

    private async Task RouteNextAsync()
    {
        var s = State;
        var program = await programs.GetAsync();
        var now = time.GetUtcNow();
        RoutingChoice? choice = null;
        if (s.Offers < program.Routing.MaxOffersPerLead)
        {
            var offered = s.History.Where(h => h.Outcome == "offered").Select(h => h.PartnerId).Distinct(StringComparer.Ordinal).ToList();
            choice = await GrainFactory.GetGrain<IRoutingIndexGrain>(RegionKey).Route(s.Industry, offered, now);
        }

        if (choice is null)
        {
            s.Status = LeadStatus.Unroutable;
            await SaveAsync();
            await GrainFactory.GetGrain<IUnroutableLeadsGrain>(IUnroutableLeadsGrain.Key).Add(Key, now);
            LogUnroutable(Key, s.Offers);
            return;
        }

        var expires = now + TimeSpan.FromSeconds(program.Routing.OfferTimeoutSeconds);
        s.Status = LeadStatus.Offered;
        s.Offers++;
        s.OfferedTo = choice.PartnerId;
        s.OfferedAt = now;
        s.OfferExpiresAt = expires;
        s.History.Add(new LeadHistoryEntry(choice.PartnerId, "offered", now, choice.Score, choice.Reasons));
        await SaveAsync();
        await ScheduleOfferExpiryAsync();
        await TellPartnerAsync(choice.PartnerId, "offered", null);
        await pushes.LeadOffered(new LeadOfferedView(Key, choice.PartnerId, s.AccountId, expires));
    }

    /// <summary>
    /// Tells the partner where its offer stands. A partner on a node that just died cannot hear it: the lead keeps going
    /// and tells every partner again in a few seconds (and at its next activation); partners ignore a record they have.
    /// </summary>
    private async Task TellPartnerAsync(string partnerId, string outcome, DateTimeOffset? answeredAt)
    {
        try
        {
            await GrainFactory.GetGrain<IPartnerGrain>(partnerId)
                .SetLeadOutcome(Key, new PartnerLeadRecord(outcome, State.History.Last(h => h.PartnerId == partnerId && h.Outcome == "offered").At, answeredAt));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNoticeFailed(ex, Key, partnerId);
            _noticeRetry ??= this.RegisterGrainTimer(async _ =>
            {
                _noticeRetry?.Dispose();
                _noticeRetry = null;
                await ResendNoticesAsync();
            }, NoticeRetryAfter, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Every partner in the history hears again how its offer ended (or that it is still offered).</summary>
    private async Task ResendNoticesAsync()
    {
        foreach (var partnerId in State.History.Select(h => h.PartnerId).Distinct(StringComparer.Ordinal).ToList())
        {
            // A conversion was told with its own time; the partner that converted keeps that record.
            if (State.Status == LeadStatus.Converted && State.AcceptedBy == partnerId)
            {
                continue;
            }

            var last = State.History.Last(h => h.PartnerId == partnerId);
            await TellPartnerAsync(partnerId, last.Outcome, last.Outcome is "accepted" or "declined" ? last.At : null);
        }
    }

    private static readonly TimeSpan NoticeRetryAfter = TimeSpan.FromSeconds(5);
    private IGrainTimer? _noticeRetry;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lead {LeadId} could not tell partner {PartnerId} about its offer; retrying shortly")]
    private partial void LogNoticeFailed(Exception ex, string leadId, string partnerId);

    /// <summary>
    /// The partner that accepted a converted lead referred the deal: a deal.touch written by the engine (so it counts at
    /// once), which the log hands to the deal and the partner. Its id is fixed, so a repeat after a crash is a duplicate.
    /// </summary>
    private async Task TouchConvertedDealAsync(string partnerId, string dealId, DateTimeOffset at)
    {
        var touch = new ActivityEvent
        {
            Id = $"lead-{Key}-referral",
            Type = EventTypes.DealTouch,
            OccurredAt = at.ToUniversalTime(),
            DealId = dealId,
            PartnerId = partnerId,
            Role = TouchRoles.Referral,
            Activity = "lead_converted",
        };
        await _log.AppendAsync([new PendingEvent(touch, EventActor.Engine)], Origin);
    }

    // ---- Offer expiry ---------------------------------------------------------------------------------

    private async Task ScheduleOfferExpiryAsync()
    {
        if (State.Status == LeadStatus.Offered && State.OfferExpiresAt is { } expires)
        {
            var due = expires - time.GetUtcNow();
            await this.RegisterOrUpdateReminder(OfferReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, ReminderPeriod);
        }
        else if (await this.GetReminder(OfferReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        ArmOfferTimer();
    }

    private void ArmOfferTimer()
    {
        _offerTimer?.Dispose();
        _offerTimer = null;
        if (State.Status != LeadStatus.Offered || State.OfferExpiresAt is not { } expires)
        {
            return;
        }

        var due = expires - time.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due > MaxTimerWait ? MaxTimerWait : due;
        var self = this.AsReference<ILeadGrain>();
        _offerTimer = time.CreateTimer(_ => _ = self.ExpireOfferIfDue(), null, due, Timeout.InfiniteTimeSpan);
    }

    public async Task ExpireOfferIfDue()
    {
        var s = State;
        if (s.Status == LeadStatus.Offered && s.OfferExpiresAt is { } expires && time.GetUtcNow() >= expires)
        {
            var partner = s.OfferedTo!;
            s.History.Add(new LeadHistoryEntry(partner, "expired", expires, null, [$"no answer within {(expires - s.OfferedAt!.Value).TotalSeconds:0} s"]));
            ClearOffer();
            s.Status = LeadStatus.New;
            await SaveAsync();
            LogExpired(Key, partner);
            await TellPartnerAsync(partner, "expired", null);
            await GrainFactory.GetGrain<IRoutingIndexGrain>(RegionKey).Release(partner);
            await RouteNextAsync();
        }

        await ScheduleOfferExpiryAsync();
        await ReportMetricsAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == OfferReminder ? ExpireOfferIfDue() : Task.CompletedTask;

    // ---- Metrics ----------------------------------------------------------------------------------------

    private LeadMetricsReport? _lastMetrics;
    private MetricsReportVersion? _metricsVersion;

    /// <summary>Tells the ecosystem's figures this lead's part when it changed (a one-way call).</summary>
    private Task ReportMetricsAsync()
    {
        if (MetricsReports.ForLead(State) is not { } report || report == _lastMetrics)
        {
            return Task.CompletedTask;
        }

        _lastMetrics = report;
        return GrainFactory.GetGrain<IMetricsGrain>(IMetricsGrain.Key).ReportLead(Key, (_metricsVersion ??= new(time)).Next(), report);
    }

    // ---- View -----------------------------------------------------------------------------------------

    public Task<LeadView?> GetView()
    {
        var s = State;
        if (!s.Submitted && s.History.Count == 0 && s.DealId is null)
        {
            return Task.FromResult<LeadView?>(null);
        }

        return Task.FromResult<LeadView?>(new LeadView
        {
            LeadId = Key,
            Status = s.Status == LeadStatus.New ? LeadStatus.Unroutable : s.Status,
            AccountId = s.AccountId,
            Region = s.Region,
            Industry = s.Industry,
            Source = s.Source,
            SourcePartnerId = s.SourcePartnerId,
            OfferedTo = s.OfferedTo,
            OfferExpiresAt = s.OfferExpiresAt,
            DealId = s.DealId,
            AcceptedBy = s.AcceptedBy,
            SubmittedAt = s.SubmittedAt,
            History = [.. s.History],
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lead {LeadId} is unroutable after {Offers} offers")]
    private partial void LogUnroutable(string leadId, int offers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Offer of lead {LeadId} to {PartnerId} expired")]
    private partial void LogExpired(string leadId, string partnerId);
}
