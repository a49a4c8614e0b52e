using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ecosystem.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ecosystem.Host.Tests;

internal static class PartnerLifecycleHttp
{
    public static Task<HttpResponseMessage> PutPartnerAsync(this HttpClient admin, string partnerId) =>
        admin.PutAsJsonAsync(new Uri($"/api/partners/{Uri.EscapeDataString(partnerId)}", UriKind.Relative),
            new { name = "Fabrikam Solutions", partnerType = "solutions", region = "emea" });

    public static async Task<JsonElement> GetPartnerAsync(this HttpClient http, string partnerId)
    {
        var response = await http.GetAsync(new Uri($"/api/partners/{Uri.EscapeDataString(partnerId)}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET partner {partnerId}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static JsonElement Step(this JsonElement partner, string name) =>
        partner.GetProperty("onboarding").GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    public static Dictionary<string, object?> CertificationEarned(string partnerId, string certification) => new()
    {
        ["id"] = Events.Id("e"), ["type"] = "certification.earned", ["occurredAt"] = Events.Now, ["partnerId"] = partnerId,
        ["certification"] = certification,
    };

    public static Dictionary<string, object?> Won(string dealId) => new()
    {
        ["id"] = Events.Id("e"), ["type"] = "deal.closed", ["occurredAt"] = Events.Now, ["dealId"] = dealId, ["outcome"] = "won",
    };
}

/// <summary>The partner lifecycle over a running host: tier changes pushed live, and the API key onboarding step.</summary>
public sealed class PartnerLifecycleTests(SqliteHost fixture, ITestOutputHelper output) : IClassFixture<SqliteHost>
{
    private HostProcess Host => fixture.Host;

    [Fact]
    public async Task A_partner_watching_itself_gets_PartnerChanged_with_its_new_tier_within_a_second_of_the_events_that_earn_it()
    {
        using var admin = Host.Client();
        var (me, deal) = (Events.Id("p"), Events.Id("deal"));
        Assert.Equal(HttpStatusCode.Created, (await admin.PutPartnerAsync(me)).StatusCode);
        var (_, key) = await TestKeys.PartnerAsync(Host, me);
        await using var watcher = await HubClient.ConnectAsync(Host, key, me);
        var watched = await watcher.WatchPartnerAsync(me);
        Assert.Equal("registered", watched.GetProperty("tier").GetString());
        var mark = watcher.Mark();

        // Silver needs 50,000 sourced revenue, a certification, a won deal and health 40: one batch brings all of it.
        var batch = new object[]
        {
            PartnerLifecycleHttp.CertificationEarned(me, "solution-architect"),
            Events.Registered(Events.Id("e"), deal, me, deal + ".example", 60_000m),
            PartnerLifecycleHttp.Won(deal),
        };
        var clock = Stopwatch.StartNew();
        var post = admin.PostEventsAsync(batch);
        var pushed = await watcher.WaitForAsync("PartnerChanged", p => p.GetProperty("tier").GetString() == "silver", mark);
        var latency = clock.Elapsed;
        output.WriteLine($"POST to PartnerChanged(silver): {latency.TotalMilliseconds:0} ms");

        Assert.Equal(["accepted", "accepted", "accepted"], await (await post).StatusesAsync());
        Assert.True(latency < TimeSpan.FromSeconds(1), $"PartnerChanged with the new tier came {latency.TotalMilliseconds:0} ms after the POST (at most 1 s).");
        Assert.Equal(me, pushed.GetProperty("partnerId").GetString());
        var kpis = pushed.GetProperty("kpis");
        Assert.Equal(60_000m, kpis.GetProperty("sourcedRevenue").GetDecimal());
        Assert.Equal(1, kpis.GetProperty("wonDeals").GetInt32());
        Assert.Equal(1, kpis.GetProperty("certifications").GetInt32());
        Assert.Equal("gold", pushed.GetProperty("tierProgress").GetProperty("nextTier").GetString());
        Assert.Equal(
            ["sourced revenue 60,000 of 250,000", "1 more certification", "4 more won deals"],
            pushed.GetProperty("tierProgress").GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("silver", (await admin.GetPartnerAsync(me)).GetProperty("tier").GetString());
    }

    [Fact]
    public async Task The_first_API_call_with_a_partner_key_marks_the_api_key_used_onboarding_step()
    {
        using var admin = Host.Client();
        var me = Events.Id("p");
        await admin.PutPartnerAsync(me);
        var (_, key) = await TestKeys.PartnerAsync(Host, me);
        var unused = (await admin.GetPartnerAsync(me)).Step("api_key_used");

        var before = DateTimeOffset.UtcNow;
        using var partner = Host.Client(key);
        var own = await partner.GetPartnerAsync(me);
        var after = DateTimeOffset.UtcNow;
        var used = (await admin.GetPartnerAsync(me)).Step("api_key_used");
        var again = await partner.GetPartnerAsync(me);

        Assert.False(unused.GetProperty("done").GetBoolean());
        Assert.True(own.Step("api_key_used").GetProperty("done").GetBoolean());
        Assert.True(used.GetProperty("done").GetBoolean());
        var at = used.GetProperty("at").GetDateTimeOffset();
        Assert.InRange(at, before, after);
        Assert.Equal(at, again.Step("api_key_used").GetProperty("at").GetDateTimeOffset());
    }
}

/// <summary>
/// At-risk partners over HTTP. The class has its own host because it raises the program's at-risk threshold to 100
/// (every partner is then at risk); it puts the program back afterwards all the same.
/// </summary>
public sealed class PartnerLifecycleAtRiskTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    private static readonly Uri ProgramUri = new("/api/program", UriKind.Relative);

    private HostProcess Host => fixture.Host;

    private static async Task PutProgramAsync(HttpClient admin, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await admin.PutAsync(ProgramUri, content);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT /api/program: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonElement?> ListedAtRiskAsync(HttpClient admin, string partnerId)
    {
        var response = await admin.GetAsync(new Uri("/api/partners?atRisk=true", UriKind.Relative));
        var body = await response.ReadAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/partners?atRisk=true: {(int)response.StatusCode} {body}");
        foreach (var p in body.GetProperty("partners").EnumerateArray())
        {
            if (p.GetProperty("partnerId").GetString() == partnerId)
            {
                return p;
            }
        }

        return null;
    }

    private static async Task<JsonElement> WaitUntilListedAsync(HttpClient admin, string partnerId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (await ListedAtRiskAsync(admin, partnerId) is { } listed)
            {
                return listed;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{partnerId} was not listed at risk within 10 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task With_the_threshold_at_100_every_partner_is_at_risk_listed_by_GET_partners_atRisk_and_its_view_gives_the_reason()
    {
        using var admin = Host.Client();
        var original = await (await admin.GetAsync(ProgramUri)).Content.ReadAsStringAsync();
        var (before, after) = (Events.Id("p"), Events.Id("p"));
        Assert.Equal(HttpStatusCode.Created, (await admin.PutPartnerAsync(before)).StatusCode);
        Assert.Null(await ListedAtRiskAsync(admin, before));

        var program = JsonNode.Parse(original)!.AsObject();
        program["health"]!["atRiskThreshold"] = 100;
        await PutProgramAsync(admin, program.ToJsonString());
        try
        {
            // A partner created under the new program, and one created before it whose next event re-evaluates it.
            Assert.Equal(HttpStatusCode.Created, (await admin.PutPartnerAsync(after)).StatusCode);
            Assert.Equal(["accepted"], await (await admin.PostEventsAsync(Events.Engaged(Events.Id("e"), before))).StatusesAsync());

            foreach (var partnerId in new[] { after, before })
            {
                var listed = await WaitUntilListedAsync(admin, partnerId);
                var view = await admin.GetPartnerAsync(partnerId);
                var score = view.GetProperty("health").GetProperty("score").GetInt32();
                Assert.True(score < 100);
                foreach (var v in new[] { listed, view })
                {
                    Assert.True(v.GetProperty("atRisk").GetProperty("atRisk").GetBoolean());
                    Assert.Contains($"health {score} is below the at-risk threshold 100", v.GetProperty("atRisk").GetProperty("reason").GetString(), StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            await PutProgramAsync(admin, original);
        }

        var restored = await (await admin.GetAsync(ProgramUri)).ReadAsync();
        Assert.Equal(40, restored.GetProperty("health").GetProperty("atRiskThreshold").GetInt32());
    }
}
