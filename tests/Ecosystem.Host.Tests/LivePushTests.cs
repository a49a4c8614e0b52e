using System.Net.Http.Json;
using Ecosystem.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Ecosystem.Host.Tests;

/// <summary>AttributionChanged to deal rooms and PartnerChanged to partner watchers, over a real hub.</summary>
public sealed class LivePushTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    private HostProcess Host => fixture.Host;

    [Fact]
    public async Task A_touch_that_moves_credits_is_pushed_as_AttributionChanged_with_the_default_model()
    {
        using var http = Host.Client();
        var (deal, p1, p2) = (Events.Id("deal"), Events.Id("p"), Events.Id("p"));
        await http.PostEventsAsync(Events.Registered(Events.Id("e"), deal, p1, deal + ".example", 900m));
        await using var room = await HubClient.ConnectAsync(Host, HostProcess.AdminKey, "admin");
        var joined = await room.JoinDealAsync(deal);
        Assert.Equal(900m, joined.GetProperty("attribution").GetProperty("credits")[0].GetProperty("amount").GetDecimal());
        var mark = room.Mark();

        await http.PostEventsAsync(Events.Touch(Events.Id("e"), deal, p2, "referral"));

        var pushed = await room.WaitForAsync("AttributionChanged",
            a => a.GetProperty("dealId").GetString() == deal && a.GetProperty("credits").GetArrayLength() == 2, mark);
        Assert.Equal("position_based", pushed.GetProperty("model").GetString());
        Assert.Equal(900m, pushed.GetProperty("credits").EnumerateArray().Sum(c => c.GetProperty("amount").GetDecimal()));
        Assert.Equal(450m, pushed.GetProperty("credits")[0].GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task A_partner_watching_itself_gets_PartnerChanged_when_a_deal_it_sourced_is_won()
    {
        using var admin = Host.Client();
        var (deal, me) = (Events.Id("deal"), Events.Id("p"));
        await admin.PutAsJsonAsync(new Uri($"/api/partners/{me}", UriKind.Relative), new { name = "Me", partnerType = "solutions", region = "emea" });
        var (_, key) = await TestKeys.PartnerAsync(Host, me);
        await using var watcher = await HubClient.ConnectAsync(Host, key, me);
        var view = await watcher.WatchPartnerAsync(me);
        Assert.Equal(me, view.GetProperty("partnerId").GetString());
        await Assert.ThrowsAsync<HubException>(() => watcher.WatchPartnerAsync(Events.Id("someone-else")));
        var mark = watcher.Mark();

        await admin.PostEventsAsync(new object[]
        {
            Events.Registered(Events.Id("e"), deal, me, deal + ".example", 2500m),
            new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = "deal.closed", ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"), ["dealId"] = deal, ["outcome"] = "won" },
        });

        var changed = await watcher.WaitForAsync("PartnerChanged",
            p => p.GetProperty("kpis").GetProperty("wonDeals").GetInt32() == 1, mark);
        Assert.Equal(2500m, changed.GetProperty("kpis").GetProperty("sourcedRevenue").GetDecimal());
        Assert.Equal(2500m, changed.GetProperty("kpis").GetProperty("attributedRevenue").GetDecimal());
    }
}
