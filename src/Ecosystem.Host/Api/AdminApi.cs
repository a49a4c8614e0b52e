using Ecosystem.Contracts.Replay;
using Ecosystem.Host.Auth;
using Orleans.Runtime;

namespace Ecosystem.Host.Api;

public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").RequireAuthorization(Policies.Admin).WithTags("Operations");
        api.MapGet("/cluster", Cluster).WithSummary("The silos of the cluster as this node's membership sees them.");
        api.MapPost("/replay", StartReplay)
            .WithSummary("Recompute every deal's attribution and every partner's KPIs from the event log under the current program (202; idempotent while running).");
        api.MapGet("/replay", ReplayStatus).WithSummary("Progress of the current or last replay.");
        return app;
    }

    private static async Task<IResult> StartReplay(IGrainFactory grains)
    {
        var status = await grains.GetGrain<IReplayGrain>(IReplayGrain.Key).Start();
        return TypedResults.Accepted("/api/admin/replay", status);
    }

    private static async Task<IResult> ReplayStatus(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IReplayGrain>(IReplayGrain.Key).Status());

    public sealed record SiloView(string Address, string Status);

    /// <summary>"Ecosystem.Grains.Deals.DealGrain,Ecosystem.Grains" → "DealGrain".</summary>
    private static string ShortTypeName(string grainType)
    {
        var type = grainType.Split(',')[0];
        return type[(type.LastIndexOf('.') + 1)..];
    }

    private static async Task<IResult> Cluster(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: false);
        var statistics = await management.GetSimpleGrainStatistics();
        return TypedResults.Ok(new
        {
            silos = hosts.Select(h => new SiloView(h.Key.ToString(), h.Value.ToString().ToLowerInvariant())).OrderBy(s => s.Address, StringComparer.Ordinal).ToList(),
            // Live activations per grain class across the cluster (short class names, e.g. "DealGrain").
            activations = statistics
                .GroupBy(s => ShortTypeName(s.GrainType), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal),
        });
    }
}
