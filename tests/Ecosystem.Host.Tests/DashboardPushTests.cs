using System.Net.Http.Json;
using System.Text.Json;
using Ecosystem.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.Host.Tests;

/// <summary>The channel team's dashboard hears of partners at risk as it happens.</summary>
public sealed class DashboardPushTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    [Fact]
    public async Task A_partner_falling_below_the_at_risk_threshold_is_pushed_to_dashboard_watchers()
    {
        using var admin = fixture.Host.Client();
        // Every partner is below a threshold of 100: this host is this class's own.
        var program = JsonSerializer.Deserialize<Dictionary<string, object>>((await (await admin.GetAsync(new Uri("/api/program", UriKind.Relative))).ReadAsync()).GetRawText())!;
        var health = JsonSerializer.Deserialize<Dictionary<string, object>>(program["health"].ToString()!)!;
        health["atRiskThreshold"] = 100;
        program["health"] = health;
        (await admin.PutAsJsonAsync(new Uri("/api/program", UriKind.Relative), program)).EnsureSuccessStatusCode();

        var (_, repKey) = await TestKeys.RepAsync(fixture.Host, "dashboard-rep");
        await using var dashboard = await HubClient.ConnectAsync(fixture.Host, repKey, "dashboard-rep");
        var metrics = await dashboard.Connection.InvokeAsync<JsonElement>("WatchDashboard", CancellationToken.None);
        Assert.True(metrics.TryGetProperty("atRiskPartners", out _));
        var mark = dashboard.Mark();

        var partner = Events.Id("p");
        (await admin.PutAsJsonAsync(new Uri($"/api/partners/{partner}", UriKind.Relative), new { name = "P", partnerType = "solutions", region = "emea" })).EnsureSuccessStatusCode();

        var pushed = await dashboard.WaitForAsync("MetricsChanged",
            m => m.GetProperty("atRiskPartners").EnumerateArray().Any(p => p.GetString() == partner), mark);
        Assert.Contains(partner, pushed.GetProperty("atRiskPartners").EnumerateArray().Select(p => p.GetString()));

        var (_, partnerKey) = await TestKeys.PartnerAsync(fixture.Host, partner);
        await using var outsider = await HubClient.ConnectAsync(fixture.Host, partnerKey, partner);
        await Assert.ThrowsAsync<HubException>(() => outsider.Connection.InvokeAsync<JsonElement>("WatchDashboard", CancellationToken.None));
    }
}
