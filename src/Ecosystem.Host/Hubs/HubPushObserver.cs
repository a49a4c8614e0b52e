using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Push;
using Microsoft.AspNetCore.SignalR;

namespace Ecosystem.Host.Hubs;

/// <summary>This node's end of a push: grains anywhere in the cluster call it, it tells this node's connections.</summary>
public sealed class HubPushObserver(IHubContext<EcosystemHub, IEcosystemClient> hub) : IPushObserver
{
    public Task DealChanged(DealView deal) => hub.Clients.Group(EcosystemHub.DealGroup(deal.DealId)).DealChanged(deal);

    public Task DealMessage(DealMessageView message) => hub.Clients.Group(EcosystemHub.DealGroup(message.DealId)).DealMessage(message);

    public Task PresenceChanged(PresenceView presence) => hub.Clients.Group(EcosystemHub.DealGroup(presence.DealId)).PresenceChanged(presence);

    public Task AttributionChanged(DealAttributionView attribution) =>
        hub.Clients.Group(EcosystemHub.DealGroup(attribution.DealId)).AttributionChanged(attribution);

    public Task PartnerChanged(Contracts.Partners.PartnerView partner) =>
        hub.Clients.Group(EcosystemHub.PartnerGroup(partner.PartnerId)).PartnerChanged(partner);

    public Task LeadOffered(Contracts.Leads.LeadOfferedView offer) =>
        hub.Clients.Group(EcosystemHub.PartnerGroup(offer.PartnerId)).LeadOffered(offer);

    public Task MetricsChanged(DashboardMetrics metrics) => hub.Clients.Group(EcosystemHub.DashboardGroup).MetricsChanged(metrics);

    public Task IntegrationChanged(Contracts.Integrations.IntegrationView integration) =>
        hub.Clients.Group(EcosystemHub.PartnerGroup(integration.PartnerId)).IntegrationChanged(integration);
}

/// <summary>
/// Keeps this node known to the cluster: registers its push observer with the registry, and tells
/// each deal room with members here that they are still here (a node that dies stops saying so, and
/// its members drop out of presence). Both repeat every <see cref="Grains.Push.Pushes.RegisterEvery"/>.
/// </summary>
public sealed partial class PushNodeService(
    IGrainFactory grains,
    HubPushObserver observer,
    DealRooms rooms,
    IHostApplicationLifetime lifetime,
    ILogger<PushNodeService> logger) : BackgroundService
{
    private IPushObserver? _reference;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The silo joins its cluster during start-up; register once the whole host is up.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        _reference = grains.CreateObjectReference<IPushObserver>(observer);
        var registry = grains.GetGrain<IPushRegistryGrain>(IPushRegistryGrain.Key);
        // Until the silo has joined the cluster the registry cannot be reached: retry quickly at first.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await registry.Register(rooms.NodeId, _reference);
                break;
            }
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken);
            }
        }

        using var timer = new PeriodicTimer(Grains.Push.Pushes.RegisterEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await registry.Register(rooms.NodeId, _reference);
                foreach (var (dealId, members) in rooms.Snapshot())
                {
                    await grains.GetGrain<Contracts.Deals.IDealGrain>(dealId).Heartbeat(rooms.NodeId, members);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogHeartbeatFailed(ex);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IPushRegistryGrain>(IPushRegistryGrain.Key).Unregister(rooms.NodeId).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex)
        {
            LogHeartbeatFailed(ex);
        }

        if (_reference is not null)
        {
            grains.DeleteObjectReference<IPushObserver>(_reference);
        }

        await base.StopAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering this node for pushes failed; retrying on the next beat")]
    private partial void LogHeartbeatFailed(Exception ex);
}
