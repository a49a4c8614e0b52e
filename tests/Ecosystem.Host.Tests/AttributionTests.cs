using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ecosystem.Host.Tests.Infrastructure;
using Ecosystem.Testing;

namespace Ecosystem.Host.Tests;

/// <summary>Attribution over HTTP, and replay under a changed program, against real hosts.</summary>
public sealed class AttributionTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddDays(-10);

    private static string At(double days) => T0.AddDays(days).ToString("O", CultureInfo.InvariantCulture);

    /// <summary>
    /// p1 registers (sourced, day 0); p2 refers (day 1); p3 influences (day 2); p2 implements (day 3);
    /// won for 1,000.00 USD on day 4.
    /// </summary>
    private static object[] WorkedDeal(string deal, string p1, string p2, string p3) =>
    [
        new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = "deal.registered", ["occurredAt"] = At(0), ["dealId"] = deal, ["partnerId"] = p1, ["accountId"] = deal + ".example", ["amount"] = 800, ["currency"] = "USD" },
        new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = "deal.touch", ["occurredAt"] = At(1), ["dealId"] = deal, ["partnerId"] = p2, ["role"] = "referral" },
        new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = "deal.touch", ["occurredAt"] = At(2), ["dealId"] = deal, ["partnerId"] = p3, ["role"] = "influenced" },
        new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = "deal.touch", ["occurredAt"] = At(3), ["dealId"] = deal, ["partnerId"] = p2, ["role"] = "implementation" },
        new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = "deal.closed", ["occurredAt"] = At(4), ["dealId"] = deal, ["outcome"] = "won", ["amount"] = 1000, ["currency"] = "USD" },
        // After the close: ignored by every model.
        new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = "deal.touch", ["occurredAt"] = At(5), ["dealId"] = deal, ["partnerId"] = p3, ["role"] = "sourced" },
    ];

    public static TheoryData<string, decimal, decimal, decimal> Models => new()
    {
        // model, p1, p2, p3 (worked out by hand; time_decay: weights 2^(-4/7), 2^(-3/7)+2^(-1/7), 2^(-2/7) with T = the close)
        { "first_touch", 1000.00m, 0m, 0m },
        { "last_touch", 0m, 1000.00m, 0m },
        { "linear", 250.00m, 500.00m, 250.00m },
        { "position_based", 400.00m, 500.00m, 100.00m },
        { "role_weighted", 375.00m, 500.00m, 125.00m },
        { "time_decay", 214.18m, 524.73m, 261.09m },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Each_model_gives_the_worked_out_credits_for_a_closed_deal(string model, decimal p1Credit, decimal p2Credit, decimal p3Credit)
    {
        using var http = fixture.Host.Client();
        var (deal, p1, p2, p3) = (Events.Id("deal"), Events.Id("p"), Events.Id("p"), Events.Id("p"));
        Assert.All(await (await http.PostEventsAsync(WorkedDeal(deal, p1, p2, p3))).StatusesAsync(), s => Assert.Equal("accepted", s));

        var body = await (await http.GetAsync(new Uri($"/api/deals/{deal}/attribution?model={model}", UriKind.Relative))).ReadAsync();

        Assert.Equal(model, body.GetProperty("model").GetString());
        Assert.Equal(1000m, body.GetProperty("amount").GetDecimal());
        var credits = body.GetProperty("credits").EnumerateArray().ToDictionary(c => c.GetProperty("partnerId").GetString()!, c => c);
        Assert.Equal(p1Credit, Credit(credits, p1));
        Assert.Equal(p2Credit, Credit(credits, p2));
        Assert.Equal(p3Credit, Credit(credits, p3));
        Assert.Equal(1000m, credits.Values.Sum(c => c.GetProperty("amount").GetDecimal()));
        Assert.True(credits[p1].GetProperty("sourced").GetBoolean());
        // Every credit is explained by its touches; the touch after the close is not among them.
        Assert.Equal(2, credits[p2].GetProperty("touches").GetArrayLength());
        Assert.Equal(1, credits[p3].GetProperty("touches").GetArrayLength());
        Assert.Equal("influenced", credits[p3].GetProperty("touches")[0].GetProperty("role").GetString());
    }

    private static decimal Credit(Dictionary<string, JsonElement> credits, string partner) =>
        credits.TryGetValue(partner, out var c) ? c.GetProperty("amount").GetDecimal() : 0m;

    [Fact]
    public async Task The_deal_view_carries_the_default_model_and_a_partner_sees_only_deals_it_is_part_of()
    {
        using var admin = fixture.Host.Client();
        var (deal, p1, p2, p3) = (Events.Id("deal"), Events.Id("p"), Events.Id("p"), Events.Id("p"));
        await admin.PostEventsAsync(WorkedDeal(deal, p1, p2, p3));

        var view = await (await admin.GetAsync(new Uri($"/api/deals/{deal}", UriKind.Relative))).ReadAsync();
        Assert.Equal("position_based", view.GetProperty("attribution").GetProperty("model").GetString());

        var outsider = await admin.PostAsJsonAsync(new Uri("/api/api-keys", UriKind.Relative), new { role = "partner", partnerId = Events.Id("p") });
        using var stranger = fixture.Host.Client((await outsider.ReadAsync()).GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(new Uri($"/api/deals/{deal}/attribution", UriKind.Relative))).StatusCode);
        var insider = await admin.PostAsJsonAsync(new Uri("/api/api-keys", UriKind.Relative), new { role = "partner", partnerId = p3 });
        using var p3Client = fixture.Host.Client((await insider.ReadAsync()).GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.OK, (await p3Client.GetAsync(new Uri($"/api/deals/{deal}/attribution?model=linear", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync(new Uri($"/api/deals/{deal}/attribution?model=coin_flip", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Closing_a_deal_puts_revenue_into_each_partners_kpis_in_the_reporting_currency()
    {
        using var http = fixture.Host.Client();
        var (deal, p1, p2, p3) = (Events.Id("deal"), Events.Id("p"), Events.Id("p"), Events.Id("p"));
        foreach (var p in new[] { p1, p2, p3 })
        {
            await http.PutAsJsonAsync(new Uri($"/api/partners/{p}", UriKind.Relative), new { name = p, partnerType = "solutions", region = "emea" });
        }

        await http.PostEventsAsync(WorkedDeal(deal, p1, p2, p3));

        var k1 = (await (await http.GetAsync(new Uri($"/api/partners/{p1}", UriKind.Relative))).ReadAsync()).GetProperty("kpis");
        var k2 = (await (await http.GetAsync(new Uri($"/api/partners/{p2}", UriKind.Relative))).ReadAsync()).GetProperty("kpis");
        Assert.Equal(1000m, k1.GetProperty("sourcedRevenue").GetDecimal());
        Assert.Equal(0m, k1.GetProperty("influencedRevenue").GetDecimal());
        Assert.Equal(400m, k1.GetProperty("attributedRevenue").GetDecimal());
        Assert.Equal(1, k1.GetProperty("wonDeals").GetInt32());
        Assert.Equal(0m, k2.GetProperty("sourcedRevenue").GetDecimal());
        Assert.Equal(1000m, k2.GetProperty("influencedRevenue").GetDecimal());
        Assert.Equal(500m, k2.GetProperty("attributedRevenue").GetDecimal());
    }
}

/// <summary>
/// Replay: change the role weights, replay, and the KPIs equal those of a fresh system that processed
/// the same events under the new weights from the start.
/// </summary>
public sealed class ReplayTests
{
    private static object NewProgram(JsonElement current)
    {
        var program = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(current.GetRawText())!;
        var changed = new Dictionary<string, object>(program.ToDictionary(kv => kv.Key, kv => (object)kv.Value))
        {
            ["attribution"] = new
            {
                defaultModel = "role_weighted",
                timeDecayHalfLifeDays = 7,
                roleWeights = new Dictionary<string, decimal> { ["sourced"] = 1, ["referral"] = 5, ["implementation"] = 1, ["influenced"] = 3 },
            },
            ["fxRates"] = new[] { new { currency = "EUR", rate = 1.10m, validFrom = "2020-01-01" } },
        };
        return changed;
    }

    private static List<object> Events_(string run)
    {
        var list = new List<object>();
        for (var d = 0; d < 6; d++)
        {
            var deal = $"{run}-deal{d}";
            var currency = d % 2 == 0 ? "USD" : "EUR";
            string Pt(int i) => $"{run}-p{i}";
            var at = DateTimeOffset.UtcNow.AddDays(-20 + d);
            string T(double days) => at.AddDays(days).ToString("O", CultureInfo.InvariantCulture);
            list.Add(new Dictionary<string, object?> { ["id"] = $"{deal}-r", ["type"] = "deal.registered", ["occurredAt"] = T(0), ["dealId"] = deal, ["partnerId"] = Pt(d % 3), ["accountId"] = deal + ".example", ["amount"] = 1000 + d * 137.5, ["currency"] = currency });
            list.Add(new Dictionary<string, object?> { ["id"] = $"{deal}-t1", ["type"] = "deal.touch", ["occurredAt"] = T(1), ["dealId"] = deal, ["partnerId"] = Pt((d + 1) % 3), ["role"] = "referral" });
            list.Add(new Dictionary<string, object?> { ["id"] = $"{deal}-t2", ["type"] = "deal.touch", ["occurredAt"] = T(2), ["dealId"] = deal, ["partnerId"] = Pt((d + 2) % 3), ["role"] = "influenced" });
            list.Add(new Dictionary<string, object?> { ["id"] = $"{deal}-c", ["type"] = "deal.closed", ["occurredAt"] = T(3), ["dealId"] = deal, ["outcome"] = d == 5 ? "lost" : "won" });
        }

        return list;
    }

    private static async Task<string[]> KpisAsync(HttpClient http, string run) =>
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async i =>
            (await (await http.GetAsync(new Uri($"/api/partners/{run}-p{i}", UriKind.Relative))).ReadAsync()).GetProperty("kpis").GetRawText()));

    [Fact]
    public async Task Replay_under_new_role_weights_gives_the_kpis_a_fresh_system_computes_under_them()
    {
        var run = Events.Id("replay");
        var events = Events_(run);

        await using var replayed = await HostProcess.StartAsync(HostStorage.Sqlite());
        await using var fresh = await HostProcess.StartAsync(HostStorage.Sqlite());
        using var a = replayed.Client();
        using var b = fresh.Client();
        foreach (var http in new[] { a, b })
        {
            for (var i = 0; i < 3; i++)
            {
                await http.PutAsJsonAsync(new Uri($"/api/partners/{run}-p{i}", UriKind.Relative), new { name = $"p{i}", partnerType = "solutions", region = "emea" });
            }
        }

        var program = NewProgram(await (await a.GetAsync(new Uri("/api/program", UriKind.Relative))).ReadAsync());

        // A: the events under the default program, then the new program, then replay.
        Assert.All(await (await a.PostEventsAsync(events)).StatusesAsync(), s => Assert.Equal("accepted", s));
        var before = await KpisAsync(a, run);
        Assert.Equal(HttpStatusCode.OK, (await a.PutAsJsonAsync(new Uri("/api/program", UriKind.Relative), program)).StatusCode);
        var started = await a.PostAsync(new Uri("/api/admin/replay", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement status;
        do
        {
            await Task.Delay(100);
            status = await (await a.GetAsync(new Uri("/api/admin/replay", UriKind.Relative))).ReadAsync();
        }
        while (status.GetProperty("status").GetString() != "completed" && DateTime.UtcNow < deadline);
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("done").GetInt64() >= 6);

        // B: the new program first, then the same events.
        Assert.Equal(HttpStatusCode.OK, (await b.PutAsJsonAsync(new Uri("/api/program", UriKind.Relative), program)).StatusCode);
        Assert.All(await (await b.PostEventsAsync(events)).StatusesAsync(), s => Assert.Equal("accepted", s));

        var afterReplay = await KpisAsync(a, run);
        var freshKpis = await KpisAsync(b, run);
        Assert.Equal(freshKpis, afterReplay);
        Assert.NotEqual(before, afterReplay);
    }
}
