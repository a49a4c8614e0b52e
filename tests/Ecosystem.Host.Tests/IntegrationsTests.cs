using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ecosystem.Host.Tests.Infrastructure;

namespace Ecosystem.Host.Tests;

/// <summary>Requests and events of the integrations tests, with ids unique to the calling test.</summary>
internal static class IntegrationHttp
{
    public static async Task PutPartnerAsync(this HttpClient admin, string partnerId, string partnerType)
    {
        var put = await admin.PutAsJsonAsync(new Uri($"/api/partners/{Uri.EscapeDataString(partnerId)}", UriKind.Relative),
            new { name = "Partner " + partnerId, partnerType, region = "emea" });
        Assert.True(put.StatusCode == HttpStatusCode.Created, $"PUT partner {partnerId}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }

    public static Task<HttpResponseMessage> PutIntegrationAsync(this HttpClient http, string integrationId, string partnerId, string category, string? name = null) =>
        http.PutAsJsonAsync(new Uri($"/api/integrations/{Uri.EscapeDataString(integrationId)}", UriKind.Relative),
            new { partnerId, name = name ?? "Integration " + integrationId, category, description = "Syncs accounts and contacts both ways." });

    /// <summary>PUT /api/integrations/{id}, which must answer <paramref name="expected"/>.</summary>
    public static async Task<JsonElement> PutIntegrationAsync(this HttpClient http, string integrationId, string partnerId, string category, HttpStatusCode expected)
    {
        var response = await http.PutIntegrationAsync(integrationId, partnerId, category);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"PUT integration {integrationId}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetOkAsync(this HttpClient http, string path)
    {
        var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Dictionary<string, object?> Validation(string integrationId, string suite, int passed = 20, int failed = 0, decimal p95 = 200m) => new()
    {
        ["id"] = Events.Id("e"), ["type"] = "integration.validation_reported", ["occurredAt"] = Events.Now, ["integrationId"] = integrationId,
        ["suite"] = suite, ["passed"] = passed, ["failed"] = failed, ["p95LatencyMs"] = p95, ["securityFindings"] = Array.Empty<object>(),
    };

    /// <summary>Passing runs of both required suites (p95 200 ms): enough to certify.</summary>
    public static IEnumerable<Dictionary<string, object?>> Passing(string integrationId) =>
        [Validation(integrationId, "functional"), Validation(integrationId, "security")];

    public static Dictionary<string, object?> Errors(string integrationId, long errors, long calls) => new()
    {
        ["id"] = Events.Id("e"), ["type"] = "integration.error_reported", ["occurredAt"] = Events.Now, ["integrationId"] = integrationId,
        ["errors"] = errors, ["calls"] = calls,
    };

    public static Dictionary<string, object?> Installed(string integrationId, string accountId, string type = "integration.installed") => new()
    {
        ["id"] = Events.Id("e"), ["type"] = type, ["occurredAt"] = Events.Now, ["integrationId"] = integrationId, ["accountId"] = accountId,
    };

    public static Dictionary<string, object?> Viewed(string integrationId, string? accountId = null)
    {
        var e = new Dictionary<string, object?>
        {
            ["id"] = Events.Id("e"), ["type"] = "marketplace.viewed", ["occurredAt"] = Events.Now, ["integrationId"] = integrationId,
        };
        if (accountId is not null)
        {
            e["accountId"] = accountId;
        }

        return e;
    }

    public static Dictionary<string, object?> Churned(string accountId) => new()
    {
        ["id"] = Events.Id("e"), ["type"] = "account.churned", ["occurredAt"] = Events.Now, ["accountId"] = accountId,
    };

    public static async Task AllAcceptedAsync(this HttpClient http, IEnumerable<Dictionary<string, object?>> events)
    {
        var response = await http.PostEventsAsync(events.ToList());
        var body = await response.ReadAsync();
        Assert.True(body.GetProperty("results").EnumerateArray().All(r => r.GetProperty("status").GetString() == "accepted"), body.GetRawText());
    }

    /// <summary>The result of one event sent alone: (status, error).</summary>
    public static async Task<(string? Status, string? Error)> PostOneAsync(this HttpClient http, Dictionary<string, object?> e)
    {
        var result = (await (await http.PostEventsAsync(e)).ReadAsync()).GetProperty("results")[0];
        return (result.Str("status"), result.Str("error"));
    }

    public static string[] Strings(this JsonElement array) => [.. array.EnumerateArray().Select(s => s.GetString()!)];
}

/// <summary>Integrations over HTTP and SignalR: who may manage and read them, the marketplace's ranking and recommendations, pushes.</summary>
public sealed class IntegrationsTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    private HostProcess Host => fixture.Host;

    [Fact]
    public async Task Only_the_admin_or_the_owning_technology_partner_manages_an_integration_and_other_partners_do_not_see_it()
    {
        using var admin = Host.Client();
        var (tech, otherTech, solutions) = (Events.Id("tech"), Events.Id("tech"), Events.Id("sol"));
        await admin.PutPartnerAsync(tech, "technology");
        await admin.PutPartnerAsync(otherTech, "technology");
        await admin.PutPartnerAsync(solutions, "solutions");
        using var owner = Host.Client((await TestKeys.PartnerAsync(Host, tech)).Key);
        using var other = Host.Client((await TestKeys.PartnerAsync(Host, otherTech)).Key);
        using var solutionsKey = Host.Client((await TestKeys.PartnerAsync(Host, solutions)).Key);
        using var rep = Host.Client((await TestKeys.RepAsync(Host, "integrations-rep")).Key);
        var (id, category) = (Events.Id("int"), Events.Id("cat"));

        var created = await owner.PutIntegrationAsync(id, tech, category, HttpStatusCode.Created);
        var replaced = await owner.PutIntegrationAsync(id, tech, category, HttpStatusCode.OK);

        Assert.Equal(id, created.Str("integrationId"));
        Assert.Equal(tech, created.Str("partnerId"));
        Assert.Equal("draft", created.GetProperty("certification").Str("status"));
        Assert.Equal(0, created.GetProperty("installs").GetProperty("total").GetInt64());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("conversionRate").ValueKind);
        Assert.Equal(5, created.GetProperty("quality").GetProperty("components").GetArrayLength());
        Assert.Equal(id, replaced.Str("integrationId"));

        // Someone else's integration, someone else's name, a non-technology partner, a rep: 403.
        await other.PutIntegrationAsync(id, otherTech, category, HttpStatusCode.Forbidden);
        await owner.PutIntegrationAsync(Events.Id("int"), otherTech, category, HttpStatusCode.Forbidden);
        await solutionsKey.PutIntegrationAsync(Events.Id("int"), solutions, category, HttpStatusCode.Forbidden);
        await rep.PutIntegrationAsync(Events.Id("int"), tech, category, HttpStatusCode.Forbidden);
        // Validation: 400 with the errors map; an owner that does not exist is a validation error for the admin.
        var invalid = await admin.PutAsJsonAsync(new Uri($"/api/integrations/{Events.Id("int")}", UriKind.Relative), new { partnerId = tech });
        var problem = await invalid.ReadAsync();
        var unknownOwner = await admin.PutIntegrationAsync(Events.Id("int"), Events.Id("nobody"), category, HttpStatusCode.BadRequest);
        // The admin may move an integration to another owner.
        var moved = await admin.PutIntegrationAsync(Events.Id("int"), tech, category, HttpStatusCode.Created);
        var movedAgain = await admin.PutIntegrationAsync(moved.Str("integrationId")!, otherTech, category, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _), problem.GetRawText());
        Assert.True(problem.GetProperty("errors").TryGetProperty("category", out _), problem.GetRawText());
        Assert.True(unknownOwner.GetProperty("errors").TryGetProperty("partnerId", out _), unknownOwner.GetRawText());
        Assert.Equal(otherTech, movedAgain.Str("partnerId"));

        // Reads: admin, rep and the owner; another partner gets 404, as for an integration that does not exist.
        var path = $"/api/integrations/{id}";
        Assert.Equal(tech, (await admin.GetOkAsync(path)).Str("partnerId"));
        Assert.Equal(tech, (await rep.GetOkAsync(path)).Str("partnerId"));
        Assert.Equal(tech, (await owner.GetOkAsync(path)).Str("partnerId"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri($"/api/integrations/{Events.Id("int")}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_owning_partner_reports_its_integrations_evidence_and_nobody_but_the_admin_sends_installs_or_views()
    {
        using var admin = Host.Client();
        var (tech, otherTech) = (Events.Id("tech"), Events.Id("tech"));
        await admin.PutPartnerAsync(tech, "technology");
        await admin.PutPartnerAsync(otherTech, "technology");
        using var owner = Host.Client((await TestKeys.PartnerAsync(Host, tech)).Key);
        using var other = Host.Client((await TestKeys.PartnerAsync(Host, otherTech)).Key);
        using var rep = Host.Client((await TestKeys.RepAsync(Host, "integrations-rep")).Key);
        var id = Events.Id("int");
        await owner.PutIntegrationAsync(id, tech, Events.Id("cat"), HttpStatusCode.Created);
        var account = Events.Id("acct") + ".example";

        var own = await owner.PostOneAsync(IntegrationHttp.Validation(id, "functional"));
        var ownErrors = await owner.PostOneAsync(IntegrationHttp.Errors(id, 1, 100));
        var notOwn = await other.PostOneAsync(IntegrationHttp.Validation(id, "functional"));
        var unknown = await owner.PostOneAsync(IntegrationHttp.Validation(Events.Id("int"), "functional"));
        var install = await owner.PostOneAsync(IntegrationHttp.Installed(id, account));
        var view = await owner.PostOneAsync(IntegrationHttp.Viewed(id));
        var byRep = await rep.PostOneAsync(IntegrationHttp.Validation(id, "security"));
        var byAdmin = await admin.PostOneAsync(IntegrationHttp.Installed(id, account));

        Assert.Equal("accepted", own.Status);
        Assert.Equal("accepted", ownErrors.Status);
        Assert.Equal(("rejected", $"integration '{id}' is not an integration of partner '{otherTech}'"), notOwn);
        Assert.Equal("rejected", unknown.Status);
        Assert.Equal(("rejected", "a partner key may not send integration.installed events"), install);
        Assert.Equal(("rejected", "a partner key may not send marketplace.viewed events"), view);
        Assert.Equal("rejected", byRep.Status);
        Assert.Equal("accepted", byAdmin.Status);
        var read = await owner.GetOkAsync($"/api/integrations/{id}");
        Assert.Equal(1, read.GetProperty("installs").GetProperty("active").GetInt64());
    }

    [Fact]
    public async Task The_marketplace_ranks_certified_integrations_and_recommends_from_co_installs_with_the_reasons()
    {
        using var admin = Host.Client();
        var tech = Events.Id("tech");
        await admin.PutPartnerAsync(tech, "technology");
        var (prefix, category) = (Events.Id("mk"), Events.Id("cat"));
        string I(string letter) => $"{prefix}-{letter}";
        foreach (var letter in new[] { "a", "b", "c", "d", "e", "f", "g" })
        {
            await admin.PutIntegrationAsync(I(letter), tech, category, HttpStatusCode.Created);
        }

        // Every one certified but f, which stays a draft.
        await admin.AllAcceptedAsync(new[] { "a", "b", "c", "d", "e", "g" }.SelectMany(l => IntegrationHttp.Passing(I(l))));
        string Account() => Events.Id("acct") + ".example";
        var (a1, a2, a3, a4, a5, target) = (Account(), Account(), Account(), Account(), Account(), Account());
        var installs = new (string Account, string[] Letters)[]
        {
            (a1, ["a", "b", "c", "f"]),
            (a2, ["a", "c", "g"]),
            (a3, ["b", "d"]),
            (a4, ["a", "d"]),
            (a5, ["c", "e"]),
            // The account asked about, written as a client might type it: compared case-insensitively.
            (target, ["a", "b"]),
        };
        await admin.AllAcceptedAsync(installs.SelectMany(i => i.Letters.Select(l => IntegrationHttp.Installed(I(l), i.Account))));

        var market = await admin.GetOkAsync($"/api/marketplace?category={category}&accountId={Uri.EscapeDataString("https://WWW." + target.ToUpperInvariant())}");

        // Co-installs with the target's a and b: c = co(a,c) 2 (a1, a2) + co(b,c) 1 (a1) = 3; d = co(a,d) 1 (a4) + co(b,d) 1 (a3) = 2;
        // g = co(a,g) 1 (a2); f would score 2 but is a draft; e shares no account with a or b.
        var recommendations = market.GetProperty("recommendations");
        Assert.Equal(target, recommendations.Str("accountId"));
        Assert.Equal([I("a"), I("b")], recommendations.GetProperty("installed").Strings());
        var items = recommendations.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([I("c"), I("d"), I("g")], items.Select(r => r.Str("integrationId")));
        Assert.Equal([3, 2, 1], items.Select(r => r.GetProperty("score").GetInt32()));
        Assert.Equal(
            [$"2 accounts that installed {I("a")} also installed {I("c")}", $"1 account that installed {I("b")} also installed {I("c")}"],
            items[0].GetProperty("reasons").Strings());
        Assert.Equal([(I("a"), 2), (I("b"), 1)],
            items[0].GetProperty("because").EnumerateArray().Select(b => (b.Str("integrationId"), b.GetProperty("accounts").GetInt32())));
        Assert.Equal(
            [$"1 account that installed {I("a")} also installed {I("d")}", $"1 account that installed {I("b")} also installed {I("d")}"],
            items[1].GetProperty("reasons").Strings());

        // The ranking: equal quality 86 (pass rate 100×30% + latency 90×20% + errors neutral 50×25% + no uninstall 100×10%
        // + fresh 100×15% = 85.5), so adoption decides: a has 4 active installs, b and c 3 (tied: by id), d 2, e and g 1.
        // a: (50×86 + 30×100×4/14 + 20×100) / 100 = 43 + 8.571 + 20 = 71.57.
        var ranked = market.GetProperty("integrations").EnumerateArray().ToList();
        Assert.Equal([I("a"), I("b"), I("c"), I("d"), I("e"), I("g")], ranked.Select(r => r.Str("integrationId")));
        Assert.Equal(86, ranked[0].GetProperty("quality").GetInt32());
        Assert.Equal(4, ranked[0].GetProperty("activeInstalls").GetInt64());
        Assert.Equal(71.57m, ranked[0].GetProperty("score").GetDecimal());
        Assert.Equal("rank 1 of 6, score 71.57", ranked[0].GetProperty("reasons")[0].GetString());
        Assert.Equal($"rank 3 of 6, score 69.92: tied with {I("b")} in score, quality and installs; ordered by integrationId",
            ranked[2].GetProperty("reasons")[0].GetString());

        // Another category lists none of them and recommends none of them.
        var elsewhere = await admin.GetOkAsync($"/api/marketplace?category={Events.Id("cat")}&accountId={target}");
        Assert.Empty(elsewhere.GetProperty("integrations").EnumerateArray());
        Assert.Empty(elsewhere.GetProperty("recommendations").GetProperty("items").EnumerateArray());
        var bad = await admin.GetAsync(new Uri("/api/marketplace?accountId=%20", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task A_partner_watching_itself_gets_IntegrationChanged_within_a_second_of_the_error_spike_that_suspends_its_integration()
    {
        using var admin = Host.Client();
        var (tech, bystander) = (Events.Id("tech"), Events.Id("tech"));
        await admin.PutPartnerAsync(tech, "technology");
        await admin.PutPartnerAsync(bystander, "technology");
        var key = (await TestKeys.PartnerAsync(Host, tech)).Key;
        using var owner = Host.Client(key);
        var id = Events.Id("int");
        await owner.PutIntegrationAsync(id, tech, Events.Id("cat"), HttpStatusCode.Created);
        await owner.AllAcceptedAsync(IntegrationHttp.Passing(id));
        Assert.Equal("certified", (await owner.GetOkAsync($"/api/integrations/{id}")).GetProperty("certification").Str("status"));

        await using var watcher = await HubClient.ConnectAsync(Host, key, tech);
        await watcher.WatchPartnerAsync(tech);
        await using var other = await HubClient.ConnectAsync(Host, (await TestKeys.PartnerAsync(Host, bystander)).Key, bystander);
        await other.WatchPartnerAsync(bystander);
        var mark = watcher.Mark();

        var clock = Stopwatch.StartNew();
        await owner.AllAcceptedAsync([IntegrationHttp.Errors(id, 30, 100)]);
        var pushed = await watcher.WaitForAsync("IntegrationChanged",
            i => i.Str("integrationId") == id && i.GetProperty("certification").Str("status") == "suspended", mark, TimeSpan.FromSeconds(1));
        var elapsed = clock.Elapsed;

        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"IntegrationChanged arrived {elapsed.TotalMilliseconds:0} ms after the event was sent");
        Assert.Equal(tech, pushed.Str("partnerId"));
        Assert.Equal(["error rate 30.0% over 24 h above 5.0% (30 errors in 100 calls)"], pushed.GetProperty("certification").GetProperty("reasons").Strings());
        var history = pushed.GetProperty("history").EnumerateArray().Select(h => $"{h.Str("from")}→{h.Str("to")}").ToList();
        Assert.Equal(["draft→certified", "certified→suspended"], history);
        Assert.Empty(other.Received("IntegrationChanged"));
    }
}

/// <summary>
/// Integration adoption figures on a host of their own, so that every account it has seen is one of this fixture's and
/// the rates can be computed by hand.
/// </summary>
public sealed class IntegrationsMetricsTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    [Fact]
    public async Task Adoption_rate_NRR_contribution_and_conversion_equal_the_hand_computed_figures()
    {
        var host = fixture.Host;
        using var admin = host.Client();
        string Account() => Events.Id("acct") + ".example";
        var (x1, x2, x3, x4, x5, x6, x7, x8) = (Account(), Account(), Account(), Account(), Account(), Account(), Account(), Account());
        var (i1, i2, i3) = (Events.Id("int"), Events.Id("int"), Events.Id("int"));
        var all = new[] { i1, i2, i3 };

        // 1. Installs (x3 installs i1 twice: one install), a deal for x4, a lead for x5, a view by x7.
        await admin.AllAcceptedAsync(
        [
            .. all.Select(i => IntegrationHttp.Installed(i, x1)),
            .. all.Select(i => IntegrationHttp.Installed(i, x2)),
            .. all.Select(i => IntegrationHttp.Installed(i, x8)),
            IntegrationHttp.Installed(i1, x3),
            IntegrationHttp.Installed(i1, x3),
            IntegrationHttp.Installed(i2, x6),
            Events.Registered(Events.Id("e"), Events.Id("deal"), Events.Id("p"), x4),
            With(LeadRoutingHttp.Submitted(Events.Id("lead"), Events.Id("region")), "accountId", x5),
            IntegrationHttp.Viewed(i1, x7),
        ]);
        // 2. Churn: x1 with its three integrations, x4 and x5 with none.
        await admin.AllAcceptedAsync([IntegrationHttp.Churned(x1), IntegrationHttp.Churned(x4), IntegrationHttp.Churned(x5)]);
        // 3. After the churn x1 uninstalls i3 (it stays in the "three or more" group it churned in); x6 uninstalls its only one.
        //    Listing views: 10 more of i1 and 9 of i2, without an account.
        await admin.AllAcceptedAsync(
        [
            IntegrationHttp.Installed(i3, x1, "integration.uninstalled"),
            IntegrationHttp.Installed(i2, x6, "integration.uninstalled"),
            .. Enumerable.Range(0, 10).Select(_ => IntegrationHttp.Viewed(i1)),
            .. Enumerable.Range(0, 9).Select(_ => IntegrationHttp.Viewed(i2)),
        ]);

        var figures = await admin.GetOkAsync("/api/marketplace/metrics");

        // Accounts seen: x1..x8 = 8. With an active install: x1 (i1, i2), x2, x8, x3 = 4 → adoption 4/8 = 0.5.
        Assert.Equal(8, figures.GetProperty("accountsSeen").GetInt64());
        Assert.Equal(4, figures.GetProperty("accountsWithActiveInstall").GetInt64());
        Assert.Equal(0.5m, figures.GetProperty("adoptionRate").GetDecimal());
        // No integration: x4 (churned), x5 (churned), x6 (uninstalled), x7 → 2 of 4 churned = 0.5.
        // Three or more: x1 (churned with 3), x2, x8 → 1 of 3 = 1/3. Difference 0.5 − 1/3 = 1/6.
        var none = figures.GetProperty("noIntegration");
        Assert.Equal((4L, 2L, 0.5m), (none.GetProperty("accounts").GetInt64(), none.GetProperty("churned").GetInt64(), none.GetProperty("churnRate").GetDecimal()));
        var many = figures.GetProperty("threeOrMoreIntegrations");
        Assert.Equal((3L, 1L, 1m / 3m), (many.GetProperty("accounts").GetInt64(), many.GetProperty("churned").GetInt64(), many.GetProperty("churnRate").GetDecimal()));
        Assert.Equal((2m / 4m) - (1m / 3m), figures.GetProperty("churnRateDifference").GetDecimal());
        // Installs made active: 3 + 3 + 3 + 1 (x3's repeat is not one) + 1 (x6) = 11; views 1 + 10 + 9 = 20 → 0.55.
        Assert.Equal(11, figures.GetProperty("installs").GetInt64());
        Assert.Equal(20, figures.GetProperty("listingViews").GetInt64());
        Assert.Equal(0.55m, figures.GetProperty("marketplaceConversion").GetDecimal());

        // Per integration: i1 was installed by x1, x2, x8 and x3 (4, all still active) and viewed 11 times → 4/11.
        var integration = await admin.GetAsync(new Uri($"/api/integrations/{i1}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, integration.StatusCode);
        var owner = Events.Id("tech");
        await admin.PutPartnerAsync(owner, "technology");
        var defined = await admin.PutIntegrationAsync(i1, owner, "crm", HttpStatusCode.Created);
        Assert.Equal((4L, 4L), (defined.GetProperty("installs").GetProperty("active").GetInt64(), defined.GetProperty("installs").GetProperty("total").GetInt64()));
        Assert.Equal(11, defined.GetProperty("views").GetInt64());
        Assert.Equal(4m / 11m, defined.GetProperty("conversionRate").GetDecimal());

        // Admin and rep read the figures; a partner key does not.
        using var rep = host.Client((await TestKeys.RepAsync(host, "metrics-rep")).Key);
        Assert.Equal(8, (await rep.GetOkAsync("/api/marketplace/metrics")).GetProperty("accountsSeen").GetInt64());
        using var partner = host.Client((await TestKeys.PartnerAsync(host, owner)).Key);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync(new Uri("/api/marketplace/metrics", UriKind.Relative))).StatusCode);
    }

    private static Dictionary<string, object?> With(Dictionary<string, object?> e, string field, object? value)
    {
        e[field] = value;
        return e;
    }
}
