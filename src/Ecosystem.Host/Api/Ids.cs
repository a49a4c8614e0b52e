using Ecosystem.Domain.Events;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Ecosystem.Host.Api;

/// <summary>Ids in paths: what a valid one is, and reading it exactly as the client encoded it.</summary>
public static class Ids
{
    /// <summary>The contract's ids: 1-200 printable characters, not all blank.</summary>
    public static bool IsValid(string? s) =>
        !string.IsNullOrWhiteSpace(s) && s.Length <= EventLimits.MaxIdLength && !s.Any(char.IsControl);

    /// <summary>A path to a resource, its id percent-encoded (a Location header must be ASCII, and an id may hold '/', '?' or 'é').</summary>
    public static string Path(string prefix, string id) => prefix + "/" + Uri.EscapeDataString(id);

    /// <summary>
    /// Kestrel decodes every escape in the path except <c>%2F</c>, and also decodes <c>%25</c>, so the ids
    /// <c>a/b</c> (sent as <c>a%2Fb</c>) and <c>a%2Fb</c> (sent as <c>a%252Fb</c>) would both reach an endpoint
    /// as <c>a%2Fb</c>. Ids are chosen by clients and may hold any printable character, so route values are
    /// re-read from the raw request target, decoded once, whenever it holds one of those two escapes.
    /// </summary>
    public static IApplicationBuilder UseExactRouteIds(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        Decode(http);
        return next(http);
    });

    private static void Decode(HttpContext http)
    {
        if (http.GetEndpoint() is not RouteEndpoint endpoint || http.Features.Get<IHttpRequestFeature>()?.RawTarget is not { } raw
            || !raw.StartsWith('/'))
        {
            return;
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw : raw[..query];
        if (!path.Contains("%2F", StringComparison.OrdinalIgnoreCase) && !path.Contains("%25", StringComparison.Ordinal))
        {
            return;
        }

        var segments = path[1..].Split('/');
        if (segments.Length == endpoint.RoutePattern.PathSegments.Count + 1 && segments[^1].Length == 0)
        {
            segments = segments[..^1];
        }

        if (segments.Length != endpoint.RoutePattern.PathSegments.Count || http.Request.PathBase.HasValue)
        {
            return;
        }

        for (var i = 0; i < segments.Length; i++)
        {
            if (endpoint.RoutePattern.PathSegments[i] is { IsSimple: true, Parts: [RoutePatternParameterPart { IsCatchAll: false } parameter] })
            {
                http.Request.RouteValues[parameter.Name] = Uri.UnescapeDataString(segments[i]);
            }
        }
    }
}
