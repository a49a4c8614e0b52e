using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Integrations;
using Ecosystem.Domain.Events;
using Ecosystem.Domain.Integrations;
using Ecosystem.EventLog;
using Ecosystem.Grains.Program;
using Ecosystem.Grains.Projections;
using Ecosystem.Grains.Push;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Integrations;

/// <summary>
/// One integration: its definition, the evidence its events bring (validation runs, error reports), its installs and
/// listing views; its certification settled from that evidence with the program's thresholds, its quality, and its
/// listing in the marketplace.
/// </summary>
public sealed partial class IntegrationGrain(
    [PersistentState("integration", StorageNames.Default)] IPersistentState<ProjectionSnapshot<IntegrationState>> snapshot,
    IEventLog log,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time,
    Pushes pushes,
    ProgramCache programs,
    ILogger<IntegrationGrain> logger)
    : ProjectionGrain<IntegrationState>(snapshot, log, logger), IIntegrationGrain, IRemindable
{
    private const string DailyReminder = "daily-evaluation";

    /// <summary>How often quality is settled when nothing happens: the freshness of a validation falls by the day.</summary>
    private static readonly TimeSpan EvaluateEvery = TimeSpan.FromDays(1);

    private static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(100);

    private IntegrationSettings _settings = IntegrationSettings.Default;
    private IntegrationQuality? _lastQuality;
    private MarketplaceListing? _lastListing;
    private PushThrottle? _throttle;
    private ITimer? _evaluationTimer;
    private bool _reminderChecked;

    protected override StreamKind Kind => StreamKind.Integration;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The error window in force prunes evidence as events are folded in, so it is read before catching up.
        _settings = (await programs.GetAsync()).Integrations;
        await base.OnActivateAsync(cancellationToken);
        if (State.Profile is not null)
        {
            // Time may have passed since the last evaluation (the grain was idle, or its node went down).
            await SettleAsync(changedByEvents: false);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _evaluationTimer?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    protected override void When(LoggedEvent logged)
    {
        var e = logged.Event;
        var s = State;
        switch (e.Type)
        {
            case EventTypes.IntegrationValidationReported:
            case EventTypes.IntegrationErrorReported:
                // The event's own time prunes the error window here, so a replay folds the same evidence.
                s.Evidence = s.Evidence.Apply(e, e.OccurredAt, _settings.ErrorWindow());
                break;
            case EventTypes.IntegrationInstalled:
                s.Installs.Install(e.AccountId!);
                break;
            case EventTypes.IntegrationUninstalled:
                s.Installs.Uninstall(e.AccountId!);
                break;
            case EventTypes.MarketplaceViewed:
                s.Installs.View();
                break;
        }
    }

    protected override Task AfterAppliedAsync(IReadOnlyList<LoggedEvent> applied) =>
        State.Profile is null ? Task.CompletedTask : SettleAsync(changedByEvents: true);

    public async Task<IntegrationPutResult> PutDefinition(IntegrationProfile profile, bool ownerMayChange)
    {
        var s = State;
        if (!ownerMayChange && s.Profile is { } current && !string.Equals(current.PartnerId, profile.PartnerId, StringComparison.Ordinal))
        {
            return new IntegrationPutResult(null, false, $"Integration '{Key}' belongs to another partner.");
        }

        var created = s.Profile is null;
        var now = time.GetUtcNow();
        s.Profile = profile;
        if (created)
        {
            s.StatusSince = now;
        }

        s.UpdatedAt = now;
        await SaveAsync();
        await SettleAsync(changedByEvents: true);
        return new IntegrationPutResult(await BuildViewAsync(), created, null);
    }

    public Task<IntegrationView?> GetView() => BuildViewAsync();

    public Task<string?> GetOwner() => Task.FromResult(State.Profile?.PartnerId);

    public async Task Evaluate()
    {
        if (State.Profile is not null)
        {
            await SettleAsync(changedByEvents: false);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == DailyReminder ? Evaluate() : Task.CompletedTask;

    // ---- Evaluation: what follows from a change, or from time passing ------------------------------

    /// <summary>
    /// Settles the certification (a change of status is recorded in the history with its reasons and saved at once),
    /// recomputes the quality, keeps the marketplace listing current, pushes the view when something a watcher sees
    /// changed, and arms the timer for the next moment the evidence changes on its own.
    /// </summary>
    private async Task SettleAsync(bool changedByEvents)
    {
        var s = State;
        _settings = (await programs.GetAsync()).Integrations;
        var now = time.GetUtcNow();
        var window = _settings.ErrorWindow();
        s.Evidence = s.Evidence.Pruned(now, window);

        var decision = Certification.Evaluate(s.Evidence, s.Status, _settings, now);
        var statusChanged = decision.Changed;
        var reasonsChanged = !s.Reasons.SequenceEqual(decision.Reasons, StringComparer.Ordinal);
        if (statusChanged)
        {
            LogStatusChanged(Key, decision.From, decision.Status, string.Join("; ", decision.Reasons));
            s.History.Add(new CertificationChange(now, decision.From, decision.Status, decision.Reasons.ToList()));
            if (s.History.Count > IntegrationHistory.Kept)
            {
                s.History.RemoveRange(0, s.History.Count - IntegrationHistory.Kept);
            }

            s.Status = decision.Status;
            s.StatusSince = now;
        }

        if (reasonsChanged)
        {
            s.Reasons = decision.Reasons.ToList();
        }

        var quality = QualityScore.Compute(s.Evidence, s.Installs.Counts, _settings, now);
        // The first evaluation of an activation has nothing to compare with: it pushes only what it changed itself.
        var qualityChanged = _lastQuality is not null && !_lastQuality.Equals(quality);
        _lastQuality = quality;
        var changed = changedByEvents || statusChanged || reasonsChanged || qualityChanged;
        if (changed)
        {
            s.UpdatedAt = now;
        }

        if (statusChanged)
        {
            // A change of status is a fact the log does not hold: saved at once, so a crash cannot lose its history entry.
            await SaveAsync();
        }
        else if (reasonsChanged || qualityChanged)
        {
            MarkUnsaved();
        }

        await ReportListingAsync(quality);
        if (changed)
        {
            await PushChangedAsync();
        }

        ArmEvaluationTimer(now, window);
        await EnsureReminderAsync();
    }

    /// <summary>Tells the marketplace what it lists for this integration, when that changed (and once per activation).</summary>
    private async Task ReportListingAsync(IntegrationQuality quality)
    {
        var p = State.Profile!;
        var listing = new MarketplaceListing(Key, p.Name, p.Category, p.Description, State.Status, quality.Score, State.Installs.Active);
        if (!listing.Equals(_lastListing))
        {
            await GrainFactory.GetGrain<IMarketplaceGrain>(IMarketplaceGrain.Key).SetListing(listing);
            _lastListing = listing;
        }
    }

    /// <summary>
    /// The next moment the evidence changes with no event: the oldest error report in the window leaves it (the error
    /// rate moves, which can suspend or reinstate), or a day from now (the freshness of the last validation falls daily).
    /// A timer on the engine clock, so a fake clock in tests moves it too.
    /// </summary>
    private void ArmEvaluationTimer(DateTimeOffset now, TimeSpan window)
    {
        _evaluationTimer?.Dispose();
        var due = EvaluateEvery;
        if (State.Evidence.NextErrorReportExpiry(now, window) is { } expiry && expiry - now < due)
        {
            due = expiry - now;
        }

        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        var self = this.AsReference<IIntegrationGrain>();
        // The callback runs outside the grain; calling the grain puts the work back on its turn.
        _evaluationTimer = time.CreateTimer(_ => _ = self.Evaluate(), null, due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The backstop for an idle integration (its grain deactivated, so no timer runs): a daily durable reminder, spread
    /// over the day by integration, wakes it to settle what time changed. Only integrations with evidence need it;
    /// a definition alone changes nothing with time.
    /// </summary>
    private async Task EnsureReminderAsync()
    {
        if (_reminderChecked || (State.Evidence.LatestRuns.Count == 0 && State.Evidence.ErrorReports.Count == 0))
        {
            return;
        }

        _reminderChecked = true;
        if (await this.GetReminder(DailyReminder) is null)
        {
            var offset = TimeSpan.FromMinutes((uint)StringComparer.Ordinal.GetHashCode(Key) % (24 * 60));
            await this.RegisterOrUpdateReminder(DailyReminder, offset, EvaluateEvery);
        }
    }

    /// <summary>The first change goes out at once; changes within <see cref="PushInterval"/> of it go out together at its end.</summary>
    private Task PushChangedAsync()
    {
        _throttle ??= new PushThrottle(PushInterval, async () =>
        {
            if (await BuildViewAsync() is { } view)
            {
                await pushes.IntegrationChanged(view);
            }
        }, (callback, due) => this.RegisterGrainTimer(callback, due, Timeout.InfiniteTimeSpan));
        return _throttle.RequestAsync();
    }

    // ---- The view -----------------------------------------------------------------------------------
    // Lists are built with ToList(): a collection expression typed as a read-only interface is a compiler type the
    // Orleans serializer does not know, and views cross silos.

    /// <summary>
    /// The view as of now: the certification as last settled (after every change and whenever time changes the
    /// evidence), the quality computed at this moment (so a validation going stale shows even between evaluations).
    /// </summary>
    private async Task<IntegrationView?> BuildViewAsync()
    {
        var s = State;
        if (s.Profile is not { } p)
        {
            return null;
        }

        var settings = (await programs.GetAsync()).Integrations;
        var now = time.GetUtcNow();
        var quality = QualityScore.Compute(s.Evidence, s.Installs.Counts, settings, now);
        return new IntegrationView
        {
            IntegrationId = Key,
            PartnerId = p.PartnerId,
            Name = p.Name,
            Category = p.Category,
            Description = p.Description,
            Certification = new CertificationView(s.Status, s.Reasons.ToList(), s.StatusSince),
            History = s.History.Select(h => new CertificationChangeView(h.At, h.From, h.To, h.Reasons)).ToList(),
            Quality = new IntegrationQualityView(quality.Score, quality.Components.Select(c => new QualityComponentView(c.Name, c.Score, c.Weight, c.Detail)).ToList()),
            Installs = new InstallsView(s.Installs.Active, s.Installs.Total),
            ConversionRate = s.Installs.ConversionRate,
            Views = s.Installs.Views,
            UpdatedAt = s.UpdatedAt ?? now,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Integration {IntegrationId} went from {From} to {To}: {Reasons}")]
    private partial void LogStatusChanged(string integrationId, string from, string to, string reasons);
}
