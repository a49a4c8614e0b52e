using Ecosystem.Host.Auth;
using Ecosystem.Host.Storage;
using Ecosystem.Host.Storage.EventLog;
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

    private static async Task<Ok<LogHead>> Get(EcosystemDatabase database, IServiceProvider services, CancellationToken cancellationToken) =>
        TypedResults.Ok(await EventLogReports.HeadAsync(database, services, cancellationToken));
}
