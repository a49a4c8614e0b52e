using System.Globalization;
using Ecosystem.Contracts.Keys;
using Ecosystem.Host.Auth;
using Ecosystem.Host.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Ecosystem.Host.Hubs;

/// <summary>
/// This node's open hub connections by API key: the cap on connections per key
/// (<c>Ecosystem:Limits:HubConnectionsPerKey</c>) and the handle to close them when their key is revoked.
/// The admin key is not tracked when it is exempt from limits; it comes from configuration and cannot be revoked.
/// </summary>
public sealed class HubConnections(IOptions<EcosystemOptions> options)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<string, HubCallerContext>> _byKey = new(StringComparer.Ordinal);

    // The admin key is counted against the cap when it is not exempt, but it lives in configuration, not in a key grain.
    private readonly HashSet<string> _configured = new(StringComparer.Ordinal);
    private readonly LimitsOptions _limits = options.Value.Limits;

    public int Cap => _limits.HubConnectionsPerKey;

    private bool Tracks(Principal who) => !(who.IsAdmin && _limits.ExemptAdmin);

    /// <summary>Registers a new connection; false when its key already holds <see cref="Cap"/> connections here.</summary>
    public bool TryAdd(Principal who, HubCallerContext connection)
    {
        if (!Tracks(who))
        {
            return true;
        }

        lock (_gate)
        {
            if (!_byKey.TryGetValue(who.KeyId, out var open))
            {
                _byKey[who.KeyId] = open = new Dictionary<string, HubCallerContext>(StringComparer.Ordinal);
            }

            if (Cap > 0 && open.Count >= Cap)
            {
                return false;
            }

            open[connection.ConnectionId] = connection;
            if (who.IsAdmin)
            {
                _configured.Add(who.KeyId);
            }

            return true;
        }
    }

    public void Remove(Principal who, string connectionId)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(who.KeyId, out var open) && open.Remove(connectionId) && open.Count == 0)
            {
                _byKey.Remove(who.KeyId);
            }
        }
    }

    /// <summary>Whether one more connection of this key would be refused.</summary>
    public bool IsFull(Principal who)
    {
        if (!Tracks(who) || Cap == 0)
        {
            return false;
        }

        lock (_gate)
        {
            return _byKey.TryGetValue(who.KeyId, out var open) && open.Count >= Cap;
        }
    }

    /// <summary>The revocable keys (not the admin key) that have connections open on this node.</summary>
    public IReadOnlyList<string> KeyIds()
    {
        lock (_gate)
        {
            return [.. _byKey.Keys.Where(k => !_configured.Contains(k))];
        }
    }

    /// <summary>Closes every connection of the key on this node; returns how many there were.</summary>
    public int Close(string keyId)
    {
        List<HubCallerContext> closing;
        lock (_gate)
        {
            if (!_byKey.Remove(keyId, out var open))
            {
                return 0;
            }

            closing = [.. open.Values];
        }

        foreach (var connection in closing)
        {
            connection.Abort();
        }

        return closing.Count;
    }
}

/// <summary>
/// Refuses a new hub connection over its key's cap with a 429 problem before the SignalR handshake, so
/// the client's <c>start()</c> fails with a status it can show. Requests of an already negotiated
/// connection (they carry its <c>id</c>) pass; the hub re-checks the cap when the connection opens.
/// </summary>
public static class HubConnectionCap
{
    /// <summary>How long a refused client should wait; a slot frees only when one of its connections closes.</summary>
    private const int RetryAfterSeconds = 5;

    public static IApplicationBuilder UseHubConnectionCap(this IApplicationBuilder app) =>
        app.UseWhen(http => http.Request.Path.StartsWithSegments(EcosystemHub.Path), branch => branch.Use(async (http, next) =>
        {
            var negotiated = http.Request.Query.ContainsKey("id") && !http.Request.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal);
            if (!negotiated && http.User.Identity?.IsAuthenticated == true)
            {
                var connections = http.RequestServices.GetRequiredService<HubConnections>();
                if (connections.IsFull(http.User.ToPrincipal()))
                {
                    http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                    await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = http,
                        ProblemDetails =
                        {
                            Status = StatusCodes.Status429TooManyRequests,
                            Title = "Too Many Connections",
                            Detail = TooManyMessage(connections.Cap),
                        },
                    });
                    return;
                }
            }

            await next(http);
        }));

    public static string TooManyMessage(int cap) =>
        $"This API key already has {cap} open hub connections on this node, the most it may have; close one before opening another.";
}
