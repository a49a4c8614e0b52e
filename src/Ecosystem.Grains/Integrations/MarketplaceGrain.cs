using Ecosystem.Contracts.Events;
using Ecosystem.Contracts.Integrations;
using Ecosystem.Contracts.Push;
using Ecosystem.Domain.Events;
using Ecosystem.Domain.Integrations;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Integrations;

[GenerateSerializer, Alias("eco.MarketplaceState")]
public sealed class MarketplaceState
{
    /// <summary>Integration → its listing, as the integration last reported it.</summary>
    [Id(0)] public Dictionary<string, MarketplaceListing> Listings { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public CoInstallIndex CoInstalls { get; set; } = new();
    [Id(2)] public AdoptionCounters Adoption { get; set; } = new();
    /// <summary>The log positions of the latest events applied, oldest first, so that a redelivery has no second effect.</summary>
    [Id(3)] public Queue<long> RecentSeqs { get; set; } = new();
}

/// <summary>
/// The marketplace: the listing directory and the cross-account figures (co-installs, adoption). Fed by the intake in
/// one call per dispatch, and by each integration with its listing. Every update costs O(1) per event (an account's
/// own integrations for a co-install); no request scans the accounts. The state is saved shortly after it changes
/// (one write for everything that changed within <see cref="SaveDelay"/>) and on deactivation, not per event.
/// </summary>
public sealed partial class MarketplaceGrain(
    [PersistentState("marketplace", StorageNames.Default)] IPersistentState<MarketplaceState> state,
    ILogger<MarketplaceGrain> logger)
    : Grain, IMarketplaceGrain
{
    /// <summary>How many applied log positions are remembered against redelivery (deliveries are retried within seconds).</summary>
    private const int RememberedSeqs = 4096;

    private static readonly TimeSpan SaveDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan NotifyDelay = TimeSpan.FromMilliseconds(250);

    private readonly HashSet<long> _recent = [];
    private IGrainTimer? _saveTimer;
    private IGrainTimer? _notifyTimer;
    private bool _dirty;

    private MarketplaceState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _recent.UnionWith(S.RecentSeqs);
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            try
            {
                await state.WriteStateAsync(cancellationToken);
                _dirty = false;
            }
            catch (Exception ex)
            {
                LogSaveFailed(ex);
            }
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task Apply(IReadOnlyList<LoggedEvent> events)
    {
        var before = S.Adoption.Figures();
        var applied = 0;
        foreach (var logged in events.OrderBy(e => e.Seq))
        {
            if (!Remember(logged.Seq))
            {
                continue;
            }

            applied++;
            var e = logged.Event;
            switch (e.Type)
            {
                case EventTypes.IntegrationInstalled when e.AccountId is { } account && e.IntegrationId is { } integration:
                    S.Adoption.Install(account, integration);
                    S.CoInstalls.Install(account, integration);
                    break;
                case EventTypes.IntegrationUninstalled when e.AccountId is { } account && e.IntegrationId is { } integration:
                    S.Adoption.Uninstall(account, integration);
                    S.CoInstalls.Uninstall(account, integration);
                    break;
                case EventTypes.AccountChurned when e.AccountId is { } account:
                    S.Adoption.Churn(account);
                    break;
                case EventTypes.MarketplaceViewed:
                    S.Adoption.View(e.AccountId);
                    break;
                default:
                    if (e.AccountId is { } seen)
                    {
                        S.Adoption.SeeAccount(seen);
                    }

                    break;
            }
        }

        if (applied > 0)
        {
            ScheduleSave();
            if (!S.Adoption.Figures().Equals(before))
            {
                NotifyDashboard();
            }
        }

        return Task.CompletedTask;
    }

    public Task SetListing(MarketplaceListing listing)
    {
        if (!S.Listings.TryGetValue(listing.IntegrationId, out var current) || !current.Equals(listing))
        {
            S.Listings[listing.IntegrationId] = listing;
            ScheduleSave();
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RankedListing>> Rank(string? category, string? query) =>
        Task.FromResult<IReadOnlyList<RankedListing>>(MarketplaceRanking.Rank(S.Listings.Values, category, query).ToList());

    public Task<MarketplaceRecommendations> Recommend(string accountId, int k, string? category = null, string? query = null)
    {
        var listings = S.Listings;
        var items = S.CoInstalls
            .Recommend(accountId, k, id => listings.TryGetValue(id, out var l) && MarketplaceRanking.IsListed(l, category, query))
            .Select(r => new MarketplaceRecommendation(r, listings[r.IntegrationId]))
            .ToList();
        return Task.FromResult(new MarketplaceRecommendations(accountId, S.CoInstalls.InstalledBy(accountId).ToList(), items));
    }

    public Task<AdoptionFigures> GetAdoptionFigures() => Task.FromResult(S.Adoption.Figures());

    /// <summary>True the first time a log position is seen (among the last <see cref="RememberedSeqs"/>).</summary>
    private bool Remember(long seq)
    {
        if (!_recent.Add(seq))
        {
            return false;
        }

        S.RecentSeqs.Enqueue(seq);
        while (S.RecentSeqs.Count > RememberedSeqs)
        {
            _recent.Remove(S.RecentSeqs.Dequeue());
        }

        return true;
    }

    /// <summary>One write for every change within <see cref="SaveDelay"/>: per-event writes would put a database round trip on every dispatch.</summary>
    private void ScheduleSave()
    {
        _dirty = true;
        _saveTimer ??= this.RegisterGrainTimer(SaveAsync, SaveDelay, Timeout.InfiniteTimeSpan);
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        // Dispose the one-shot timer only afterwards: disposing it cancels the token of this very callback.
        try
        {
            _dirty = false;
            await state.WriteStateAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Kept dirty: the next change or the deactivation writes again.
            _dirty = true;
            LogSaveFailed(ex);
        }
        finally
        {
            _saveTimer?.Dispose();
            _saveTimer = null;
        }
    }

    /// <summary>
    /// The dashboard's figures include adoption: it hears of a change a moment later, from a timer that does not hold
    /// this grain's turn while the dashboard assembles its figures (which asks this grain for them).
    /// </summary>
    private void NotifyDashboard()
    {
        _notifyTimer ??= this.RegisterGrainTimer(async _ =>
        {
            _notifyTimer?.Dispose();
            _notifyTimer = null;
            try
            {
                await GrainFactory.GetGrain<IDashboardGrain>(IDashboardGrain.Key).Changed();
            }
            catch (Exception ex)
            {
                LogNotifyFailed(ex);
            }
        }, new GrainTimerCreationOptions(NotifyDelay, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Saving the marketplace failed; it is written again at the next change or on deactivation")]
    private partial void LogSaveFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Telling the dashboard of new adoption figures failed")]
    private partial void LogNotifyFailed(Exception ex);
}
