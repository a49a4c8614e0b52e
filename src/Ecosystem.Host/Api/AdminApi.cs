using Ecosystem.Host.Auth;
using Orleans.Runtime;

namespace Ecosystem.Host.Api;

public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").RequireAuthorization(Policies.Admin).WithTags("Operations");
        api.MapGet("/cluster", Cluster).WithSummary("The silos of the cluster as this node's membership sees them.");
        return app;
    }

    public sealed record SiloView(string Address, string Status);

    private static async Task<IResult> Cluster(IGrainFactory grains)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);
        return TypedResults.Ok(new
        {
            silos = hosts.Select(h => new SiloView(h.Key.ToString(), h.Value.ToString().ToLowerInvariant())).OrderBy(s => s.Address, StringComparer.Ordinal).ToList(),
        });
    }
}
