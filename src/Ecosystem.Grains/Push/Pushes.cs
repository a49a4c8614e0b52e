using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Push;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Push;

/// <summary>
/// Sends pushes to every node's hub. The list of nodes is cached for a moment so a busy deal does
/// not ask the registry on every event; a node that joined shows up within <see cref="CacheFor"/>.
/// </summary>
public sealed partial class Pushes(IGrainFactory grains, ILogger<Pushes> logger)
{
    public static readonly TimeSpan RegisterEvery = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private IReadOnlyList<IPushObserver> _observers = [];
    private long _fetchedAt;
    private volatile bool _fresh;

    public Task DealChanged(DealView deal) => SendAsync(o => o.DealChanged(deal));

    public Task DealMessage(DealMessageView message) => SendAsync(o => o.DealMessage(message));

    public Task PresenceChanged(PresenceView presence) => SendAsync(o => o.PresenceChanged(presence));

    public Task AttributionChanged(DealAttributionView attribution) => SendAsync(o => o.AttributionChanged(attribution));

    public Task PartnerChanged(Contracts.Partners.PartnerView partner) => SendAsync(o => o.PartnerChanged(partner));

    public Task LeadOffered(Contracts.Leads.LeadOfferedView offer) => SendAsync(o => o.LeadOffered(offer));

    public Task MetricsChanged(DashboardMetrics metrics) => SendAsync(o => o.MetricsChanged(metrics));

    public Task IntegrationChanged(Contracts.Integrations.IntegrationView integration) => SendAsync(o => o.IntegrationChanged(integration));

    /// <summary>Forget the cached node list (a node just registered and must not miss the next push).</summary>
    public void Invalidate() => _fresh = false;

    private async Task SendAsync(Func<IPushObserver, Task> push)
    {
        IReadOnlyList<IPushObserver> observers;
        try
        {
            observers = await ObserversAsync();
        }
        catch (Exception ex)
        {
            LogRegistryUnavailable(ex);
            return;
        }

        foreach (var observer in observers)
        {
            try
            {
                // One-way calls: this returns once the message is queued, not when browsers have it.
                await push(observer);
            }
            catch (Exception ex)
            {
                LogPushFailed(ex);
            }
        }
    }

    private async Task<IReadOnlyList<IPushObserver>> ObserversAsync()
    {
        var now = Environment.TickCount64;
        if (!_fresh || now - Interlocked.Read(ref _fetchedAt) > CacheFor.TotalMilliseconds)
        {
            _observers = await grains.GetGrain<IPushRegistryGrain>(IPushRegistryGrain.Key).Observers();
            Interlocked.Exchange(ref _fetchedAt, now);
            _fresh = true;
        }

        return _observers;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The push registry did not answer; this push is dropped")]
    private partial void LogRegistryUnavailable(Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A push to a node failed (the node may be gone)")]
    private partial void LogPushFailed(Exception ex);
}
