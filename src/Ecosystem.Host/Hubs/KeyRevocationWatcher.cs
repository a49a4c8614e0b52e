using Ecosystem.Contracts.Keys;
using Ecosystem.Host.Hosting;
using Microsoft.Extensions.Options;

namespace Ecosystem.Host.Hubs;

/// <summary>
/// Closes this node's hub connections whose key was revoked, wherever the revocation happened: every
/// <c>Ecosystem:Limits:RevocationCheckSeconds</c> (default 1 s) it asks the key grain of each key that
/// has connections here whether the key still holds. One call per key, not per connection; a node
/// with no hub connections makes none. The node that serves the <c>DELETE</c> closes its own at once.
/// </summary>
public sealed partial class KeyRevocationWatcher(
    IGrainFactory grains,
    HubConnections connections,
    IOptions<EcosystemOptions> options,
    ILogger<KeyRevocationWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.Limits.RevocationCheckSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await Task.WhenAll(connections.KeyIds().Select(keyId => CheckAsync(keyId, stoppingToken)));
        }
    }

    private async Task CheckAsync(string keyId, CancellationToken stoppingToken)
    {
        try
        {
            if (!await grains.GetGrain<IApiKeyGrain>(keyId).IsActive().WaitAsync(CallTimeout, stoppingToken))
            {
                var closed = connections.Close(keyId);
                if (closed > 0)
                {
                    LogClosed(keyId, closed);
                }
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The key could not be asked (silo trouble): keep the connections and ask again on the next tick.
            LogCheckFailed(ex, keyId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} hub connections of revoked API key {KeyId}")]
    private partial void LogClosed(string keyId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check API key {KeyId} of open hub connections; retrying on the next tick")]
    private partial void LogCheckFailed(Exception ex, string keyId);
}
