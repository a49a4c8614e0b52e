using System.Data.Common;
using Ecosystem.EventLog;
using Microsoft.AspNetCore.Diagnostics;

namespace Ecosystem.Host.Hosting;

/// <summary>
/// Faults that pass on their own (a node that just died and is not yet declared dead, a grain call timing out, the
/// database away) answer 503 with <c>Retry-After</c>, not 500: the client should retry, and nothing was half-done
/// that a retry could double (events are idempotent by id).
/// </summary>
public sealed partial class TransientFaultHandler(IProblemDetailsService problems, ILogger<TransientFaultHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsTransient(exception))
        {
            return false;
        }

        LogTransient(exception.GetType().Name, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "2";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service Unavailable",
                Detail = "The engine could not reach part of the cluster or its database just now; retry shortly.",
            },
        });
    }

    private static bool IsTransient(Exception exception) => exception switch
    {
        OrleansException or TimeoutException or DbException or EventLogUnavailableException => true,
        AggregateException { InnerExceptions.Count: 1 } a => IsTransient(a.InnerExceptions[0]),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transient fault ({Fault}) on {Path}; answered 503")]
    private partial void LogTransient(string fault, PathString path);
}
