using Ecosystem.Contracts.Integrations;
using Ecosystem.Contracts.Metrics;
using Ecosystem.Contracts.Push;
using Microsoft.Extensions.DependencyInjection;

namespace Ecosystem.Grains.Push;

/// <summary>
/// The dashboard's figures, read from the grains that keep them as running totals, so a read walks no deals or
/// accounts: <see cref="IMetricsGrain"/> (partners, revenue, activation, leads, NPS, risk) and
/// <see cref="IMarketplaceGrain"/> (integration adoption, NRR contribution, marketplace conversion); pushed at most every 250 ms however many changes arrive. Holds
/// nothing of its own, so it needs no storage.
/// </summary>
public sealed class DashboardGrain(Pushes pushes, [FromKeyedServices(EngineTime.Key)] TimeProvider time) : Grain, IDashboardGrain
{
    private PushThrottle? _throttle;

    public async Task<DashboardMetrics> Metrics()
    {
        var figuresCall = GrainFactory.GetGrain<IMetricsGrain>(IMetricsGrain.Key).Get();
        var adoptionCall = GrainFactory.GetGrain<IMarketplaceGrain>(IMarketplaceGrain.Key).GetAdoptionFigures();
        var figures = await figuresCall;
        var adoption = await adoptionCall;
        return new DashboardMetrics
        {
            UpdatedAt = time.GetUtcNow(),
            Partners = figures.Partners,
            Revenue = figures.Revenue,
            Activation = figures.Activation,
            Leads = figures.Leads,
            Integrations = adoption,
            Nps = figures.Nps,
            AtRiskPartners = figures.AtRiskPartners,
            UnroutableLeads = (int)Math.Min(int.MaxValue, figures.Leads.Unroutable),
        };
    }

    public Task Changed()
    {
        _throttle ??= new PushThrottle(TimeSpan.FromMilliseconds(250), async () => await pushes.MetricsChanged(await Metrics()),
            (callback, due) => this.RegisterGrainTimer(callback, due, Timeout.InfiniteTimeSpan));
        return _throttle.RequestAsync();
    }
}
