using Ecosystem.Contracts.Metrics;
using Ecosystem.Contracts.Push;
using Ecosystem.Grains.Program;
using Ecosystem.Grains.Push;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Metrics;

/// <summary>
/// The ecosystem's live figures, one activation for the cluster. Partners, deals and leads report their part with
/// one-way calls when it changes (a deal at most every 50 ms); each report replaces the entity's last one in running
/// totals (<see cref="MetricsAggregate"/>). The reports are saved a few seconds after a change, never per report:
/// a crash loses at most those seconds, and the entities concerned put it right when they next change or activate.
/// The dashboard is told of changes at most every <see cref="NotifyInterval"/>.
/// </summary>
public sealed partial class MetricsGrain(
    [PersistentState("metrics", StorageNames.Default)] IPersistentState<MetricsState> state,
    ProgramCache programs,
    ILogger<MetricsGrain> logger)
    : Grain, IMetricsGrain
{
    private static readonly TimeSpan CheckpointDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan NotifyInterval = TimeSpan.FromMilliseconds(250);

    private MetricsAggregate _aggregate = null!;
    private IGrainTimer? _checkpointTimer;
    private PushThrottle? _notify;
    private bool _dirty;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _aggregate = new MetricsAggregate(state.State, await programs.GetAsync());
        await base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await CheckpointAsync(cancellationToken);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    // Every await comes before the totals change, so an interleaved Get never sees a half-applied report.

    public Task ReportPartner(string partnerId, long version, PartnerMetricsReport report)
    {
        if (_aggregate.SetPartner(partnerId, version, report))
        {
            Changed();
        }

        return Task.CompletedTask;
    }

    public async Task ReportDeal(string dealId, long version, DealMetricsReport? report)
    {
        var program = await programs.GetAsync();
        if (_aggregate.SetDeal(dealId, version, report, program))
        {
            Changed();
        }
    }

    public Task ReportLead(string leadId, long version, LeadMetricsReport report)
    {
        if (_aggregate.SetLead(leadId, version, report))
        {
            Changed();
        }

        return Task.CompletedTask;
    }

    public async Task<EcosystemFigures> Get() => _aggregate.Figures(await programs.GetAsync());

    private void Changed()
    {
        _dirty = true;
        _checkpointTimer ??= this.RegisterGrainTimer(OnCheckpointTimerAsync, CheckpointDelay, Timeout.InfiniteTimeSpan);
        if (this.GetPrimaryKeyString() != IMetricsGrain.Key)
        {
            // Another key is a private set of figures (tests); the dashboard shows the cluster's.
            return;
        }

        _notify ??= new PushThrottle(NotifyInterval, () =>
        {
            // Not awaited: the dashboard reads the figures back (Get interleaves), and reports need not wait for that.
            GrainFactory.GetGrain<IDashboardGrain>(IDashboardGrain.Key).Changed().Ignore();
            return Task.CompletedTask;
        }, (callback, due) => this.RegisterGrainTimer(callback, due, Timeout.InfiniteTimeSpan));
        _notify.RequestAsync().Ignore();
    }

    private async Task OnCheckpointTimerAsync(CancellationToken cancellationToken)
    {
        // Dispose the one-shot timer only afterwards: disposing it cancels the token of this very callback.
        try
        {
            await CheckpointAsync(CancellationToken.None);
        }
        finally
        {
            _checkpointTimer?.Dispose();
            _checkpointTimer = null;
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            // The figures in memory stay right; the next change schedules another write.
            _dirty = true;
            LogCheckpointFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Saving the metrics failed; retried after the next change")]
    private partial void LogCheckpointFailed(Exception ex);
}
