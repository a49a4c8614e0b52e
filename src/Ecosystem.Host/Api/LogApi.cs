using Ecosystem.EventLog;
using Ecosystem.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ecosystem.Host.Api;

/// <summary>Where the event log stands; the dashboard polls it to chart accepted events per second across the cluster.</summary>
public static class LogApi
{
    public static IEndpointRouteBuilder MapLogApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/log", Get).RequireAuthorization(Policies.Internal).WithTags("Events")
            .WithSummary("The last sequence number the log committed (cluster-wide) and when: two readings give events per second.");
        return app;
    }

    private static async Task<Ok<LogHead>> Get(IEventLog log, CancellationToken cancellationToken) =>
        TypedResults.Ok(await log.HeadAsync(cancellationToken));
}
