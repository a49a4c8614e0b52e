using Ecosystem.Contracts.Push;
using Ecosystem.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ecosystem.Host.Api;

public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/metrics", Get).RequireAuthorization(Policies.Internal).WithTags("Metrics")
            .WithSummary("The ecosystem's live figures (admin and rep keys); the same shape as WatchDashboard and MetricsChanged. Definitions in the README.");
        return app;
    }

    private static async Task<Ok<DashboardMetrics>> Get(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IDashboardGrain>(IDashboardGrain.Key).Metrics());
}
