using System.Globalization;
using System.Threading.RateLimiting;
using Ecosystem.Host.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Ecosystem.Host.Auth;

/// <summary>
/// Per-key request rate on <c>/api</c>: a token bucket per key id (<c>Ecosystem:Limits:PermitsPerSecond</c>
/// refilled continuously, <c>Ecosystem:Limits:Burst</c> deep), on this node. Over the limit: 429 problem
/// details with <c>Retry-After</c>. Requests without a valid key are not counted here; they end in 401.
/// </summary>
public static partial class KeyRateLimiting
{
    public const string ApiPath = "/api";

    public static IServiceCollection AddKeyRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<EcosystemOptions>>((o, ecosystem) =>
        {
            var limits = ecosystem.Value.Limits;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, limits));
            o.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext http, LimitsOptions limits)
    {
        if (limits.PermitsPerSecond == 0 || !http.Request.Path.StartsWithSegments(ApiPath) || http.User.Identity?.IsAuthenticated != true)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        var who = http.User.ToPrincipal();
        if (who.IsAdmin && limits.ExemptAdmin)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        return RateLimitPartition.GetTokenBucketLimiter(who.KeyId, _ => BucketFor(limits));
    }

    /// <summary>
    /// Refills in tenths of a second rather than once a second, so a key that spent its burst gets
    /// permits back smoothly instead of in one lump (and a waiting client is told a short Retry-After).
    /// </summary>
    internal static TokenBucketRateLimiterOptions BucketFor(LimitsOptions limits)
    {
        var perPeriod = Math.Clamp(limits.PermitsPerSecond / 10, 1, limits.Burst);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)perPeriod / limits.PermitsPerSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var who = http.User.ToPrincipal();
        LogRejected(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeyRateLimiting)), who.KeyId);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too Many Requests",
                Detail = $"This API key sent more requests than its limit allows. Retry after {seconds} s.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "API key {KeyId} was rate limited")]
    private static partial void LogRejected(ILogger logger, string keyId);
}
