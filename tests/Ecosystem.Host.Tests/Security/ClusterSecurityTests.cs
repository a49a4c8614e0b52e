using System.Net;
using System.Text.RegularExpressions;
using Ecosystem.Host.Tests.Infrastructure;
using Ecosystem.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace Ecosystem.Host.Tests.Security;

/// <summary>
/// Two nodes on PostgreSQL, with a password in the connection string and the framework's request logs
/// turned up to Information (which is where query strings, and so <c>access_token</c>, would show):
/// revocation reaches the other node's hub connections, and no secret reaches any log line.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ClusterSecurityTests(PostgresServer postgres)
{
    private const string DatabasePassword = "pg-secret-Zq81xT0pLw";

    private static readonly SemaphoreSlim Lock = new(1, 1);
    private static readonly Dictionary<PostgresServer, (HostProcess A, HostProcess B, SecurityScene Scene)> Clusters = [];

    private async Task<(HostProcess A, HostProcess B, SecurityScene Scene)> ClusterAsync()
    {
        await Lock.WaitAsync();
        try
        {
            if (!Clusters.TryGetValue(postgres, out var cluster))
            {
                var connection = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync("secure")) { Password = DatabasePassword }.ConnectionString;
                var storage = HostStorage.Postgres(connection);
                var settings = new Dictionary<string, string>
                {
                    ["Ecosystem__Cluster__ClusterId"] = "sec-" + Guid.NewGuid().ToString("N")[..8],
                    ["Serilog__MinimumLevel__Override__Microsoft.AspNetCore"] = "Information",
                };
                var a = new HostProcess(storage, settings) { KeepFullLog = true };
                var b = new HostProcess(storage with { DataDirectory = storage.DataDirectory + "-b" }, settings) { KeepFullLog = true };
                postgres.Own(a);
                postgres.Own(b);
                await Task.WhenAll(a.StartAsync(), b.StartAsync());
                var scene = new SecurityScene();
                await scene.PopulateAsync(a);
                Clusters[postgres] = cluster = (a, b, scene);
            }

            return cluster;
        }
        finally
        {
            Lock.Release();
        }
    }

    [Fact]
    public async Task Revoking_a_key_on_one_node_closes_its_hub_connections_on_the_other_within_5_s()
    {
        var (a, b, scene) = await ClusterAsync();
        var (id, key) = await TestKeys.PartnerAsync(a, scene.PartnerId);
        await using var onB = await HubClient.ConnectAsync(b, key, scene.PartnerId);
        await onB.JoinDealAsync(scene.DealId);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        onB.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await TestKeys.RevokeAsync(a, id);

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HubConnectionState.Disconnected, onB.Connection.State);
        await using var retry = HubClient.Create(b, key, scene.PartnerId);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => retry.Connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task No_key_access_token_or_database_password_appears_in_any_log_line()
    {
        var (a, b, scene) = await ClusterAsync();
        var (revokeId, revokeKey) = await TestKeys.RepAsync(a, "to-be-revoked");
        var keys = new List<string> { HostProcess.AdminKey, scene.PartnerKey, scene.OtherPartnerKey, scene.RepKey, scene.RevokedKey, SecurityScene.ForgedKey, revokeKey };

        foreach (var node in new[] { a, b })
        {
            foreach (var key in keys.Append("not-a-key-but-a-token-value-123"))
            {
                using var http = node.Client(key);
                await http.GetAsync(new Uri("/api/program", UriKind.Relative));
                await http.GetAsync(new Uri($"/api/deals/{scene.DealId}?access_token={Uri.EscapeDataString(key)}", UriKind.Relative));
                await http.PostEventsAsync(Events.Engaged(Events.Id("e"), scene.PartnerId));
                await http.PostEventsAsync(new Dictionary<string, object?> { ["id"] = key, ["type"] = "not.a.type" });

                await using var viaFactory = HubClient.Create(node, key, "x");
                await using var viaQuery = HubClient.CreateWithQueryToken(node, key, "x");
                foreach (var client in new[] { viaFactory, viaQuery })
                {
                    try
                    {
                        await client.Connection.StartAsync();
                        await client.Connection.InvokeAsync<System.Text.Json.JsonElement>("JoinDeal", scene.DealId);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException or Microsoft.AspNetCore.SignalR.HubException)
                    {
                        // Refusals are part of the traffic: what matters is what the host wrote about them.
                    }
                }
            }
        }

        await using (var doomed = await HubClient.ConnectAsync(b, revokeKey, "rep"))
        {
            await TestKeys.RevokeAsync(a, revokeId);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        var secrets = keys.SelectMany(k => k.StartsWith("eco_", StringComparison.Ordinal) ? new[] { k, k[17..] } : [k])
            .Append(DatabasePassword).Append("not-a-key-but-a-token-value-123").ToList();
        var lines = a.FullLog.Select(l => "A: " + l).Concat(b.FullLog.Select(l => "B: " + l)).ToList();
        var leaks = lines.Where(line => secrets.Any(s => line.Contains(s, StringComparison.Ordinal)) || UnmaskedToken().IsMatch(line)).ToList();

        Assert.True(leaks.Count == 0, "secrets in the log:\n" + string.Join('\n', leaks.Take(20)));
        // The traffic did reach the logs, query strings included (masked).
        Assert.True(lines.Count > 100, $"only {lines.Count} log lines were captured");
        Assert.Contains(lines, l => l.Contains("access_token=***", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"access_token=(?!\*\*\*)[^&\s""]+", RegexOptions.IgnoreCase)]
    private static partial Regex UnmaskedToken();
}
