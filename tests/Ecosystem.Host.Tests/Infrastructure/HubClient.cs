using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.Host.Tests.Infrastructure;

/// <summary>
/// A real SignalR client of <c>/hubs/ecosystem</c> (the official .NET client), recording every push it
/// receives as raw JSON so tests need no server types. Tests wait for a push with
/// <see cref="WaitForAsync"/>, never by sleeping.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    public static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] Methods = ["DealChanged", "DealMessage", "PresenceChanged", "AttributionChanged", "PartnerChanged", "LeadOffered", "MetricsChanged", "IntegrationChanged"];

    private readonly object _gate = new();
    private readonly List<(string Method, JsonElement Payload)> _received = [];
    private readonly List<Waiter> _waiters = [];

    private readonly HostProcess _host;

    private HubClient(HostProcess host, HubConnection connection, string name)
    {
        _host = host;
        Connection = connection;
        Name = name;
        foreach (var method in Methods)
        {
            connection.On<JsonElement>(method, payload => Receive(method, payload));
        }
    }

    public HubConnection Connection { get; }

    /// <summary>Who this client is in the room (partnerId or userId).</summary>
    public string Name { get; }

    /// <summary>A client that sends its key through the access token factory, as the contract says.</summary>
    public static HubClient Create(HostProcess host, string key, string name) =>
        new(host, new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "/hubs/ecosystem"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
            .Build(), name);

    /// <summary>
    /// A client that puts the key in the <c>access_token</c> query string of a WebSocket upgrade and
    /// skips negotiation, which is what a browser's WebSocket connection looks like on the wire.
    /// </summary>
    public static HubClient CreateWithQueryToken(HostProcess host, string key, string name) =>
        new(host, new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "/hubs/ecosystem?access_token=" + Uri.EscapeDataString(key)), o =>
            {
                o.SkipNegotiation = true;
                o.Transports = HttpTransportType.WebSockets;
            })
            .Build(), name);

    public static async Task<HubClient> ConnectAsync(HostProcess host, string key, string name)
    {
        var client = Create(host, key, name);
        await client.Connection.StartAsync();
        return client;
    }

    public Task<JsonElement> JoinDealAsync(string dealId) => WithHostLogAsync(() => Connection.InvokeAsync<JsonElement>("JoinDeal", dealId));

    public Task<JsonElement> WatchPartnerAsync(string partnerId) => WithHostLogAsync(() => Connection.InvokeAsync<JsonElement>("WatchPartner", partnerId));

    public Task LeaveDealAsync(string dealId) => WithHostLogAsync(async () =>
    {
        await Connection.InvokeAsync("LeaveDeal", dealId);
        return default(JsonElement);
    });

    public Task SendDealMessageAsync(string dealId, string text) => WithHostLogAsync(async () =>
    {
        await Connection.InvokeAsync("SendDealMessage", dealId, text);
        return default(JsonElement);
    });

    /// <summary>
    /// A hub method that failed on the server with an unexpected exception (not a HubException, whose
    /// message the client gets) tells the client nothing; the host's log does, so it goes into the
    /// exception, which stays a <see cref="HubException"/>.
    /// </summary>
    private async Task<JsonElement> WithHostLogAsync(Func<Task<JsonElement>> call)
    {
        try
        {
            return await call();
        }
        catch (HubException ex) when (!ex.Message.Contains("HubException:", StringComparison.Ordinal))
        {
            throw new HubException($"{ex.Message}\nHost log (tail):\n{HostLogTail()}", ex);
        }
    }

    /// <summary>The number of pushes received so far; pass it to <see cref="WaitForAsync"/> to wait only for later ones.</summary>
    public int Mark()
    {
        lock (_gate)
        {
            return _received.Count;
        }
    }

    /// <summary>Every push of <paramref name="method"/> received so far (optionally only those about one deal).</summary>
    public IReadOnlyList<JsonElement> Received(string method, string? dealId = null)
    {
        lock (_gate)
        {
            return [.. _received.Where(r => r.Method == method && (dealId is null || DealIdOf(r.Payload) == dealId)).Select(r => r.Payload)];
        }
    }

    /// <summary>Every push received so far that concerns <paramref name="dealId"/>, whatever its method.</summary>
    public IReadOnlyList<(string Method, JsonElement Payload)> ReceivedAbout(string dealId)
    {
        lock (_gate)
        {
            return [.. _received.Where(r => DealIdOf(r.Payload) == dealId)];
        }
    }

    /// <summary>
    /// The first push of <paramref name="method"/> at or after position <paramref name="since"/> that
    /// matches; waits for it up to <paramref name="timeout"/> (default <see cref="PushTimeout"/>).
    /// </summary>
    public async Task<JsonElement> WaitForAsync(string method, Func<JsonElement, bool> match, int since = 0, TimeSpan? timeout = null)
    {
        Waiter waiter;
        lock (_gate)
        {
            for (var i = since; i < _received.Count; i++)
            {
                if (_received[i].Method == method && match(_received[i].Payload))
                {
                    return _received[i].Payload;
                }
            }

            waiter = new Waiter(method, match, since, new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Done.Task.WaitAsync(timeout ?? PushTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"{Name} received no matching {method} within {(timeout ?? PushTimeout).TotalSeconds} s. It received:\n{Dump()}\n" +
                $"Host log (tail):\n{HostLogTail()}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    private string HostLogTail() => string.Join('\n', _host.Output.Split('\n').TakeLast(40));

    public string Dump()
    {
        lock (_gate)
        {
            return string.Join('\n', _received.Select((r, i) => $"  #{i} {r.Method} {Shorten(r.Payload.GetRawText())}"));
        }
    }

    private static string Shorten(string s) => s.Length <= 400 ? s : s[..400] + "...";

    private void Receive(string method, JsonElement payload)
    {
        payload = payload.Clone();
        lock (_gate)
        {
            var position = _received.Count;
            _received.Add((method, payload));
            foreach (var w in _waiters)
            {
                if (w.Method == method && position >= w.Since && !w.Done.Task.IsCompleted && w.Match(payload))
                {
                    w.Done.TrySetResult(payload);
                }
            }
        }
    }

    private static string? DealIdOf(JsonElement payload) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("dealId", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private sealed record Waiter(string Method, Func<JsonElement, bool> Match, int Since, TaskCompletionSource<JsonElement> Done);
}

/// <summary>Keys minted through the API with the admin key, as an operator would.</summary>
public static class TestKeys
{
    public static Task<(string Id, string Key)> PartnerAsync(HostProcess host, string partnerId) =>
        MintAsync(host, new { role = "partner", partnerId });

    public static Task<(string Id, string Key)> RepAsync(HostProcess host, string userId) =>
        MintAsync(host, new { role = "rep", userId });

    public static async Task RevokeAsync(HostProcess host, string id)
    {
        using var admin = host.Client();
        var response = await admin.DeleteAsync(new Uri($"/api/api-keys/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static async Task<(string Id, string Key)> MintAsync(HostProcess host, object body)
    {
        using var admin = host.Client();
        var response = await admin.PostAsJsonAsync(new Uri("/api/api-keys", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadAsync();
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }
}

public static class DealReads
{
    /// <summary>GET /api/deals/{dealId}, which must answer 200.</summary>
    public static async Task<JsonElement> GetDealAsync(this HttpClient http, string dealId)
    {
        var response = await http.GetAsync(new Uri($"/api/deals/{Uri.EscapeDataString(dealId)}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET deal {dealId}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static string? RegistrationStatus(this JsonElement deal) =>
        deal.TryGetProperty("registration", out var r) && r.ValueKind == JsonValueKind.Object ? r.GetProperty("status").GetString() : null;

    public static string? ConflictsWith(this JsonElement deal) =>
        deal.TryGetProperty("registration", out var r) && r.ValueKind == JsonValueKind.Object
            && r.TryGetProperty("conflictsWith", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()
            : null;

    public static string? Str(this JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
