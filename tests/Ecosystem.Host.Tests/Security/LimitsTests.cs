using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ecosystem.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.Host.Tests.Security;

/// <summary>A host with small limits, so that tests can reach them: 2 requests/s with a burst of 4, 2 hub connections, 16 KB hub messages.</summary>
public sealed class LowLimitsHost : IAsyncLifetime
{
    public const int Burst = 4;
    public const int HubConnections = 2;
    public const int HubMessageBytes = 16 * 1024;

    public HostProcess Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await HostProcess.StartAsync(HostStorage.Sqlite(), new Dictionary<string, string>
    {
        ["Ecosystem__Limits__PermitsPerSecond"] = "2",
        ["Ecosystem__Limits__Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Ecosystem__Limits__HubConnectionsPerKey"] = HubConnections.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Ecosystem__Limits__HubMaxMessageBytes"] = HubMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Per-key request rate, hub connections per key, and the size limits of bodies and hub messages.</summary>
public sealed class LimitsTests(LowLimitsHost fixture) : IClassFixture<LowLimitsHost>
{
    private HostProcess Host => fixture.Host;

    private static readonly Uri Program = new("/api/program", UriKind.Relative);

    [Fact]
    public async Task A_key_over_its_rate_gets_429_problems_with_Retry_After_while_other_keys_are_served()
    {
        var (_, key) = await TestKeys.PartnerAsync(Host, Events.Id("p"));
        var (_, otherKey) = await TestKeys.RepAsync(Host, "limits-rep");
        using var busy = Host.Client(key);
        using var other = Host.Client(otherKey);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < LowLimitsHost.Burst + 6; i++)
        {
            answers.Add(await busy.GetAsync(Program));
        }

        Assert.Equal(HttpStatusCode.OK, answers[0].StatusCode);
        var limited = answers.FirstOrDefault(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 5 }, $"Retry-After: {limited.Headers.RetryAfter}");
        Assert.Equal(429, (await limited.ReadAsync()).GetProperty("status").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(Program)).StatusCode);

        await Task.Delay(limited.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromMilliseconds(200));
        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync(Program)).StatusCode);
    }

    [Fact]
    public async Task The_admin_key_is_not_rate_limited()
    {
        using var admin = Host.Client();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ => (await admin.GetAsync(Program)).StatusCode));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task A_request_without_a_valid_key_gets_401_not_429()
    {
        using var forged = Host.Client(SecurityScene.ForgedKey);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ => (await forged.GetAsync(Program)).StatusCode));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }

    [Fact]
    public async Task A_hub_connection_beyond_the_keys_cap_is_refused_with_a_429_until_one_closes()
    {
        var (_, key) = await TestKeys.RepAsync(Host, "hub-cap");
        var open = new List<HubClient>();
        try
        {
            for (var i = 0; i < LowLimitsHost.HubConnections; i++)
            {
                open.Add(await HubClient.ConnectAsync(Host, key, "rep"));
            }

            await using var extra = HubClient.Create(Host, key, "rep");
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => extra.Connection.StartAsync());
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

            await using var browserLike = HubClient.CreateWithQueryToken(Host, key, "rep");
            Assert.NotNull(await Record.ExceptionAsync(() => browserLike.Connection.StartAsync()));

            // The refusal's reason is a problem document a client can show.
            using var http = Host.Client(key);
            var negotiate = await http.PostAsync(new Uri("/hubs/ecosystem/negotiate?negotiateVersion=1", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.TooManyRequests, negotiate.StatusCode);
            Assert.Contains("open hub connections", (await negotiate.ReadAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            open.Add(await ConnectEventuallyAsync(key));
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>A closed connection leaves the count when the server has seen it close, which is a moment after the client's dispose.</summary>
    private async Task<HubClient> ConnectEventuallyAsync(string key)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var client = HubClient.Create(Host, key, "rep");
            try
            {
                await client.Connection.StartAsync();
                return client;
            }
            catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline)
            {
                await client.DisposeAsync();
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task The_admin_key_may_open_more_hub_connections_than_the_cap()
    {
        var clients = new List<HubClient>();
        try
        {
            for (var i = 0; i < LowLimitsHost.HubConnections + 3; i++)
            {
                clients.Add(await HubClient.ConnectAsync(Host, HostProcess.AdminKey, "admin"));
            }

            Assert.All(clients, c => Assert.Equal(HubConnectionState.Connected, c.Connection.State));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("POST", "/api/events")]
    [InlineData("PUT", "/api/program")]
    [InlineData("PUT", "/api/partners/big")]
    [InlineData("POST", "/api/api-keys")]
    public async Task A_body_over_5_MB_gets_413_whether_its_length_is_declared_or_streamed(string method, string path)
    {
        using var admin = Host.Client();
        // Valid JSON as far as the limit: a string field 6 MB long, where each endpoint expects a string.
        var field = path switch { "/api/program" => "reportingCurrency", "/api/api-keys" => "role", _ => "name" };
        var json = "{\"" + field + "\":\"" + new string('a', 6 * 1024 * 1024) + "\"}";

        foreach (var chunked in new[] { false, true })
        {
            var answer = await RawHttp.SendAsync(Host.BaseAddress, method, path, HostProcess.AdminKey, Encoding.UTF8.GetBytes(json), chunked);

            Assert.True(answer.Status == 413, $"{method} {path} (chunked: {chunked}): {answer.Status} {answer.Body}");
            Assert.Equal("application/problem+json", answer.ContentType);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task More_than_1000_events_in_one_request_get_400()
    {
        using var admin = Host.Client();
        var deal = Events.Id("deal");

        var response = await admin.PostEventsAsync(Enumerable.Range(0, 1001).Select(_ => Events.Stage(Events.Id("e"), deal, "qualified")).ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_hub_message_over_the_size_limit_closes_that_connection_only()
    {
        var partnerId = Events.Id("p");
        var deal = Events.Id("deal");
        var (_, key) = await TestKeys.PartnerAsync(Host, partnerId);
        using var admin = Host.Client();
        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(Events.Registered(Events.Id("e"), deal, partnerId, deal + ".example"))).StatusesAsync());
        await using var bystander = await HubClient.ConnectAsync(Host, HostProcess.AdminKey, "admin");
        await using var client = await HubClient.ConnectAsync(Host, key, partnerId);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };

        var oversized = new string('x', LowLimitsHost.HubMessageBytes + 1024);
        await Assert.ThrowsAnyAsync<Exception>(() => client.Connection.InvokeAsync("SendDealMessage", deal, oversized));

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HubConnectionState.Connected, bystander.Connection.State);
        var view = await bystander.JoinDealAsync(deal);
        Assert.Equal(deal, view.Str("dealId"));
        // A message within the limit but over the 10,000 characters of a chat line is refused, not fatal.
        await using var again = await ConnectEventuallyAsync(key);
        var refused = await Assert.ThrowsAsync<HubException>(() => again.Connection.InvokeAsync("SendDealMessage", deal, new string('y', 10_001)));
        Assert.Contains("text", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, again.Connection.State);
    }
}
