using Ecosystem.Contracts.Leads;
using Ecosystem.Contracts.Partners;
using Ecosystem.Contracts.Push;
using Microsoft.Extensions.DependencyInjection;

namespace Ecosystem.Grains.Push;

/// <summary>
/// The dashboard's figures, read from the grains that keep them; pushed at most every 250 ms however
/// many changes arrive. Holds nothing of its own, so it needs no storage.
/// </summary>
public sealed class DashboardGrain(Pushes pushes, [FromKeyedServices(EngineTime.Key)] TimeProvider time) : Grain, IDashboardGrain
{
    private PushThrottle? _throttle;

    public async Task<DashboardMetrics> Metrics()
    {
        var atRisk = await GrainFactory.GetGrain<IAtRiskPartnersGrain>(IAtRiskPartnersGrain.Key).List();
        var unroutable = await GrainFactory.GetGrain<IUnroutableLeadsGrain>(IUnroutableLeadsGrain.Key).List(10_000);
        return new DashboardMetrics(atRisk, unroutable.Count, time.GetUtcNow());
    }

    public Task Changed()
    {
        _throttle ??= new PushThrottle(TimeSpan.FromMilliseconds(250), async () => await pushes.MetricsChanged(await Metrics()),
            (callback, due) => this.RegisterGrainTimer(callback, due, Timeout.InfiniteTimeSpan));
        return _throttle.RequestAsync();
    }
}
