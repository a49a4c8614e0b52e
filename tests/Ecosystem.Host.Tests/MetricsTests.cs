using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ecosystem.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.Host.Tests;

/// <summary>What the metrics tests send and read over HTTP.</summary>
internal static class MetricsHttp
{
    public static async Task<JsonElement> GetMetricsAsync(this HttpClient http)
    {
        var response = await http.GetAsync(new Uri("/api/metrics", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/metrics: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>An event of <paramref name="type"/> at <paramref name="at"/> with the given fields and a fresh id.</summary>
    public static Dictionary<string, object?> Event(string type, DateTimeOffset at, params (string Name, object? Value)[] fields)
    {
        var e = new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = type, ["occurredAt"] = at.ToString("O", CultureInfo.InvariantCulture) };
        foreach (var (name, value) in fields)
        {
            e[name] = value;
        }

        return e;
    }

    public static async Task PostAllAcceptedAsync(this HttpClient admin, IReadOnlyList<object> events)
    {
        var response = await admin.PostEventsAsync(events);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/events: {(int)response.StatusCode} {body}");
        var results = JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.True(results.All(r => r.Str("status") == "accepted"), $"not every event was accepted: {body}");
    }

    public static async Task PutPartnerAsync(this HttpClient admin, string partnerId, string partnerType, string region)
    {
        var put = await admin.PutAsJsonAsync(new Uri($"/api/partners/{Uri.EscapeDataString(partnerId)}", UriKind.Relative),
            new { name = "Partner " + partnerId, partnerType, region });
        Assert.True(put.StatusCode == HttpStatusCode.Created, $"PUT partner {partnerId}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }

    /// <summary>The value at a dotted path (object properties only).</summary>
    public static JsonElement? At(this JsonElement root, string path)
    {
        var e = root;
        foreach (var name in path.Split('.'))
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out e))
            {
                return null;
            }
        }

        return e;
    }

    /// <summary>The figures that differ from <paramref name="expected"/> (decimals compared as numbers, arrays of strings in order).</summary>
    public static List<string> Mismatches(this JsonElement metrics, IEnumerable<(string Path, object? Value)> expected)
    {
        var wrong = new List<string>();
        foreach (var (path, value) in expected)
        {
            var actual = metrics.At(path);
            var ok = (value, actual) switch
            {
                (null, { ValueKind: JsonValueKind.Null }) => true,
                (decimal d, { ValueKind: JsonValueKind.Number } a) => a.GetDecimal() == d,
                (string s, { ValueKind: JsonValueKind.String } a) => a.GetString() == s,
                (string[] list, { ValueKind: JsonValueKind.Array } a) => a.EnumerateArray().Select(x => x.GetString()).SequenceEqual(list),
                _ => false,
            };
            if (!ok)
            {
                wrong.Add($"{path}: expected {Show(value)}, got {actual?.GetRawText() ?? "(missing)"}");
            }
        }

        return wrong;
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string[] list => "[" + string.Join(", ", list) + "]",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>GET /api/metrics: who may read it, and MetricsChanged coalesced however many events arrive.</summary>
public sealed class MetricsTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    private HostProcess Host => fixture.Host;

    [Fact]
    public async Task Admin_and_rep_keys_read_the_metrics_a_partner_key_gets_403_and_no_key_401()
    {
        using var admin = Host.Client();
        var partner = Events.Id("p");
        await admin.PutPartnerAsync(partner, "solutions", "emea");
        var (_, repKey) = await TestKeys.RepAsync(Host, Events.Id("rep"));
        var (_, partnerKey) = await TestKeys.PartnerAsync(Host, partner);
        using var rep = Host.Client(repKey);
        using var asPartner = Host.Client(partnerKey);
        using var anonymous = Host.Client(null);

        var byAdmin = await admin.GetMetricsAsync();
        var byRep = await rep.GetMetricsAsync();
        var forbidden = await asPartner.GetAsync(new Uri("/api/metrics", UriKind.Relative));
        var unauthorized = await anonymous.GetAsync(new Uri("/api/metrics", UriKind.Relative));

        foreach (var figures in new[] { byAdmin, byRep })
        {
            foreach (var section in new[] { "updatedAt", "partners", "revenue", "activation", "leads", "integrations", "nps", "atRiskPartners", "unroutableLeads" })
            {
                Assert.True(figures.TryGetProperty(section, out _), $"no {section} in {figures.GetRawText()}");
            }
        }

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task Hundreds_of_events_in_a_burst_give_at_most_four_MetricsChanged_a_second_the_last_with_every_event_counted()
    {
        using var admin = Host.Client();
        var partner = Events.Id("p");
        await admin.PutPartnerAsync(partner, "solutions", "emea");
        var (_, repKey) = await TestKeys.RepAsync(Host, Events.Id("rep"));
        await using var dashboard = await HubClient.ConnectAsync(Host, repKey, "dashboard");
        var watched = await dashboard.Connection.InvokeAsync<JsonElement>("WatchDashboard");
        var openBefore = (await admin.GetMetricsAsync()).At("revenue.sourced.openDeals")!.Value.GetInt64();
        Assert.Equal(
            (await admin.GetMetricsAsync()).EnumerateObject().Select(p => p.Name),
            watched.EnumerateObject().Select(p => p.Name));
        var mark = dashboard.Mark();

        // 400 registrations of this partner (each a new open, partner-sourced deal), four requests of 100, back to back.
        const int Deals = 400;
        var clock = Stopwatch.StartNew();
        for (var batch = 0; batch < Deals / 100; batch++)
        {
            var events = Enumerable.Range(0, 100).Select(i =>
            {
                var deal = Events.Id("deal");
                return (object)Events.Registered(Events.Id("e"), deal, partner, deal + ".example", 1_000m);
            }).ToList();
            await admin.PostAllAcceptedAsync(events);
        }

        var last = await dashboard.WaitForAsync("MetricsChanged",
            m => m.At("revenue.sourced.openDeals")!.Value.GetInt64() == openBefore + Deals, mark, TimeSpan.FromSeconds(20));
        var elapsed = clock.Elapsed;
        // This connection watches only the dashboard: every push it received since the mark is a MetricsChanged.
        var pushes = dashboard.Mark() - mark;

        // One push at once, then at most one per 250 ms: 4 a second, plus the first (and one more for the partner's own
        // change, which may have been pushed just before the burst).
        Assert.InRange(pushes, 1, (int)Math.Ceiling(elapsed.TotalSeconds * 4) + 2);
        Assert.Equal(watched.EnumerateObject().Select(p => p.Name), last.EnumerateObject().Select(p => p.Name));
    }
}

/// <summary>
/// Every figure of GET /api/metrics against values computed by hand from a small fixture. The host is this class's
/// own, so no other test's partners, deals or leads are in the figures.
/// </summary>
public sealed class MetricsFigureTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    private HostProcess Host => fixture.Host;

    [Fact]
    public async Task Every_figure_of_the_metrics_equals_its_hand_computed_value_and_MetricsChanged_pushes_the_same()
    {
        using var admin = Host.Client();
        var (_, repKey) = await TestKeys.RepAsync(Host, Events.Id("rep"));
        await using var dashboard = await HubClient.ConnectAsync(Host, repKey, "dashboard");
        await dashboard.Connection.InvokeAsync<JsonElement>("WatchDashboard");
        var mark = dashboard.Mark();

        // T0 is 12 days ago at 01:00 UTC, so every date below is a distinct past day.
        var t0 = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-12).AddHours(1);
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        DateTimeOffset Day(double d) => t0.AddDays(d);

        // The program: at risk below 44 (a partner with a profile and nothing else scores 43), EUR at 1.10 until day 10, then 1.20; no JPY rate.
        var program = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/program", UriKind.Relative)))!;
        program["health"]!["atRiskThreshold"] = 44;
        program["fxRates"] = new JsonArray(
            new JsonObject { ["currency"] = "EUR", ["rate"] = 1.10m, ["validFrom"] = Day(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            new JsonObject { ["currency"] = "EUR", ["rate"] = 1.20m, ["validFrom"] = Day(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        var put = await admin.PutAsync(new Uri("/api/program", UriKind.Relative),
            new StringContent(program.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        // Partners. p1 and p3 take leads (solutions), each alone in its region; p2 (technology) does not take leads.
        var (r1, r3, nowhere) = (Events.Id("r1"), Events.Id("r3"), Events.Id("nowhere"));
        var (p1, p2, p3, p4, p5) = (Events.Id("p1"), Events.Id("p2"), Events.Id("p3"), Events.Id("p4"), Events.Id("p5"));
        await admin.PutPartnerAsync(p1, "solutions", r1);
        await admin.PutPartnerAsync(p2, "technology", r1);
        await admin.PutPartnerAsync(p3, "solutions", r3);
        await admin.PutPartnerAsync(p4, "developer", r1);
        await admin.PutPartnerAsync(p5, "alliance", r1);

        var signed = (string partner, string document) => MetricsHttp.Event("agreement.signed", t0, ("partnerId", partner), ("document", document), ("version", "2026-01"));
        var survey = (string partner, int score) => MetricsHttp.Event("survey.responded", Day(1), ("partnerId", partner), ("score", score));
        var engaged = (string partner) => MetricsHttp.Event("partner.engaged", now, ("partnerId", partner), ("activity", "webinar"));
        await admin.PostAllAcceptedAsync(
        [
            signed(p1, "nda"), signed(p1, "program_terms"), survey(p1, 9), survey(p1, 10), engaged(p1),
            MetricsHttp.Event("certification.earned", Day(1), ("partnerId", p1), ("certification", "solution-architect")),
            signed(p2, "program_terms"), survey(p2, 7), survey(p2, 6), engaged(p2),
            signed(p3, "program_terms"), survey(p3, 9), survey(p3, 8), engaged(p3),
            signed(p5, "nda"), survey(p5, 0), engaged(p5),
        ]);

        // Deals.
        var (d1, d2, d3, d4, d5, d6, d7, d8, d9) = (Events.Id("d1"), Events.Id("d2"), Events.Id("d3"), Events.Id("d4"), Events.Id("d5"),
            Events.Id("d6"), Events.Id("d7"), Events.Id("d8"), Events.Id("d9"));
        var registered = (string deal, string partner, decimal amount, string currency, DateTimeOffset at) =>
            MetricsHttp.Event("deal.registered", at, ("dealId", deal), ("partnerId", partner), ("accountId", deal + ".example"), ("amount", amount), ("currency", currency));
        var touch = (string deal, string partner, string role, DateTimeOffset at) =>
            MetricsHttp.Event("deal.touch", at, ("dealId", deal), ("partnerId", partner), ("role", role));
        var amountChanged = (string deal, decimal amount, string currency, DateTimeOffset at) =>
            MetricsHttp.Event("deal.amount_changed", at, ("dealId", deal), ("amount", amount), ("currency", currency));
        var closed = (string deal, string outcome, DateTimeOffset at) =>
            MetricsHttp.Event("deal.closed", at, ("dealId", deal), ("outcome", outcome));
        await admin.PostAllAcceptedAsync(
        [
            // d1: registered by p1 (sourced), touched by p3, won: 60,000 USD.
            registered(d1, p1, 60_000m, "USD", Day(2)), touch(d1, p3, "implementation", Day(3)), closed(d1, "won", Day(8)),
            // d2: registered by p2, lost.
            registered(d2, p2, 20_000m, "EUR", Day(5.5)), closed(d2, "lost", Day(7)),
            // d3: only an influenced touch (no sourced partner), won on day 9 for 12,000 EUR.
            touch(d3, p3, "influenced", Day(3)), amountChanged(d3, 10_000m, "EUR", Day(3)),
            MetricsHttp.Event("deal.closed", Day(9), ("dealId", d3), ("outcome", "won"), ("amount", 12_000m), ("currency", "EUR")),
            // d4: registered by p1 for 5,000 EUR, open, its amount now 8,000 EUR since day 11.
            registered(d4, p1, 5_000m, "EUR", Day(4)), amountChanged(d4, 8_000m, "EUR", Day(11)),
            // d5: a referral touch by p2 (influenced), open, 3,000 USD.
            touch(d5, p2, "referral", Day(5)), amountChanged(d5, 3_000m, "USD", Day(5)),
            // d6: registered by p1 in JPY, for which the program has no rate.
            registered(d6, p1, 1_000_000m, "JPY", Day(6)),
            // d7: no partner at all.
            amountChanged(d7, 5_000m, "USD", Day(1)),
            // d8: sourced through p5's sourced touch (no registration), won: 2,000 USD.
            touch(d8, p5, "sourced", Day(2)), amountChanged(d8, 2_000m, "USD", Day(2)), closed(d8, "won", Day(8)),
        ]);

        // Leads (offers time out after 4 h for now).
        var (l1, l2, l3, l4, l5, l6) = (Events.Id("l1"), Events.Id("l2"), Events.Id("l3"), Events.Id("l4"), Events.Id("l5"), Events.Id("l6"));
        await admin.PostAllAcceptedAsync(
        [
            LeadRoutingHttp.Submitted(l1, r3), LeadRoutingHttp.Submitted(l2, r1), LeadRoutingHttp.Submitted(l3, r1),
            LeadRoutingHttp.Submitted(l5, nowhere), LeadRoutingHttp.Submitted(l6, r3),
        ]);
        foreach (var (lead, partner) in new[] { (l1, p3), (l2, p1), (l3, p1), (l6, p3) })
        {
            await admin.WaitForLeadAsync(lead, l => l.Str("offeredTo") == partner, TimeSpan.FromSeconds(10), $"the offer to {partner}");
        }

        // p3 accepts l1 (dated day 10: its activation); p1 declines l2 (nobody else in r1: unroutable), accepts l3 and converts it.
        await admin.PostAllAcceptedAsync([MetricsHttp.Event("lead.accepted", Day(10), ("leadId", l1), ("partnerId", p3))]);
        await admin.PostAllAcceptedAsync([LeadRoutingHttp.Answer("lead.declined", l2, p1)]);
        await admin.PostAllAcceptedAsync([LeadRoutingHttp.Answer("lead.accepted", l3, p1)]);
        await admin.PostAllAcceptedAsync([LeadRoutingHttp.Converted(l3, d9)]);

        // l4 is offered to p1 under a 2 s timeout and expires (then nobody else: unroutable); l6 stays offered under 4 h.
        await admin.SetRoutingAsync(offerTimeoutSeconds: 2);
        await admin.PostAllAcceptedAsync([LeadRoutingHttp.Submitted(l4, r1)]);
        await admin.WaitForLeadAsync(l4, l => l.Str("status") == "unroutable", TimeSpan.FromSeconds(20), "the offer's expiry");

        // Integrations: x-many1 and x-many2 install three each, d2's account one; x-c installs and uninstalls; x-none and
        // l5's account churn; ten listing views.
        var (i1, i2, i3) = (Events.Id("i1"), Events.Id("i2"), Events.Id("i3"));
        var (many1, many2, xc, xnone) = (Events.Id("x-many1"), Events.Id("x-many2"), Events.Id("x-c"), Events.Id("x-none"));
        var install = (string integration, string account) => MetricsHttp.Event("integration.installed", now, ("integrationId", integration), ("accountId", account));
        var integrationEvents = new List<object>
        {
            install(i1, many1), install(i2, many1), install(i3, many1),
            install(i1, many2), install(i2, many2), install(i3, many2),
            install(i1, d2 + ".example"),
            install(i2, xc), MetricsHttp.Event("integration.uninstalled", now, ("integrationId", i2), ("accountId", xc)),
            MetricsHttp.Event("marketplace.viewed", now, ("integrationId", i1), ("accountId", xnone)),
            MetricsHttp.Event("account.churned", now, ("accountId", xnone)),
            MetricsHttp.Event("account.churned", now, ("accountId", l5 + ".example")),
        };
        integrationEvents.AddRange(Enumerable.Range(0, 9).Select(_ => MetricsHttp.Event("marketplace.viewed", now, ("integrationId", i1))));
        await admin.PostAllAcceptedAsync(integrationEvents);

        // Time to accept, from the leads' own histories: acceptance time − offer time.
        static decimal SecondsToAccept(JsonElement lead)
        {
            var history = lead.GetProperty("history").EnumerateArray().ToList();
            var offered = history.Single(h => h.Str("outcome") == "offered").GetProperty("at").GetDateTimeOffset();
            var accepted = history.Single(h => h.Str("outcome") == "accepted").GetProperty("at").GetDateTimeOffset();
            return (decimal)(accepted - offered).Ticks / TimeSpan.TicksPerSecond;
        }

        var toAccept1 = SecondsToAccept(await admin.GetLeadAsync(l1));
        var toAccept3 = SecondsToAccept(await admin.GetLeadAsync(l3));

        (string Path, object? Value)[] expected =
        [
            // p1 solutions silver active (60,000 sourced won, a certification, a won deal, health above 40);
            // p2 technology, p3 solutions: registered, active; p4 developer: applied (a profile only); p5 alliance: onboarding (NDA only).
            ("partners.total", 5m),
            ("partners.byType.technology", 1m), ("partners.byType.solutions", 2m), ("partners.byType.developer", 1m), ("partners.byType.alliance", 1m),
            ("partners.byTier.registered", 4m), ("partners.byTier.silver", 1m), ("partners.byTier.gold", 0m), ("partners.byTier.platinum", 0m),
            ("partners.byStage.applied", 1m), ("partners.byStage.onboarding", 1m), ("partners.byStage.active", 3m),
            ("partners.byStage.dormant", 0m), ("partners.byStage.churned", 0m),

            ("revenue.currency", "USD"),
            // Sourced won: d1 60,000 + d8 2,000 = 62,000.00. Open: d4 8,000 EUR × 1.20 (its amount dates from day 11) = 9,600.00;
            // d6 (JPY, no rate) is an open deal in no amount. Lost: d2.
            ("revenue.sourced.won", 62_000m), ("revenue.sourced.wonDeals", 2m),
            ("revenue.sourced.open", 9_600m), ("revenue.sourced.openDeals", 2m), ("revenue.sourced.lostDeals", 1m),
            // Influenced won: d3 12,000 EUR × 1.10 (closed day 9, before 1.20 applies) = 13,200.00. Open: d5 3,000.00. d7 has no partner.
            ("revenue.influenced.won", 13_200m), ("revenue.influenced.wonDeals", 1m),
            ("revenue.influenced.open", 3_000m), ("revenue.influenced.openDeals", 1m), ("revenue.influenced.lostDeals", 0m),
            ("revenue.unconvertedDeals", 1m),

            // Terms signed on day 0; first registration or accepted lead: p1 day 2 (d1), p2 day 5.5 (d2), p3 day 10 (l1).
            // Median of 2.0, 5.5, 10.0 = 5.5.
            ("activation.medianDays", 5.5m), ("activation.activatedPartners", 3m),

            // Offers: l1, l2, l3, l4, l6 (l5 never offered) = 5; accepted l1, l3; declined l2; expired l4; pending l6;
            // unroutable l2, l4, l5; converted l3. Median time to accept = (l1 + l3) / 2, rounded to milliseconds.
            ("leads.submitted", 6m), ("leads.offered", 5m), ("leads.accepted", 2m), ("leads.declined", 1m), ("leads.expired", 1m),
            ("leads.pending", 1m), ("leads.unroutable", 3m), ("leads.converted", 1m),
            ("leads.medianSecondsToAccept", Math.Round((toAccept1 + toAccept3) / 2, 3, MidpointRounding.AwayFromZero)),
            ("unroutableLeads", 3m),

            // Accounts seen: d1, d2, d4, d6 (registrations) + l1..l6 (leads) + x-many1, x-many2, x-c, x-none = 14.
            // With an active install: d2, x-many1, x-many2 = 3 → 3/14.
            ("integrations.accountsSeen", 14m), ("integrations.accountsWithActiveInstall", 3m), ("integrations.adoptionRate", 3m / 14m),
            // No integration: d1, d4, d6, l1..l6, x-c, x-none = 11, of which x-none and l5 churned → 2/11. Three or more: x-many1,
            // x-many2, none churned → 0. Difference 2/11 − 0.
            ("integrations.noIntegration.accounts", 11m), ("integrations.noIntegration.churned", 2m), ("integrations.noIntegration.churnRate", 2m / 11m),
            ("integrations.threeOrMoreIntegrations.accounts", 2m), ("integrations.threeOrMoreIntegrations.churned", 0m),
            ("integrations.threeOrMoreIntegrations.churnRate", 0m), ("integrations.churnRateDifference", 2m / 11m),
            // Installs that made an install active: 3 + 3 + 1 + 1 = 8, over 10 views = 0.8.
            ("integrations.installs", 8m), ("integrations.listingViews", 10m), ("integrations.marketplaceConversion", 0.8m),

            // Promoters (9-10): 9, 10, 9; passives (7-8): 7, 8; detractors (0-6): 6, 0. (3 − 2) × 100 / 7 = 14.28… → 14.3.
            ("nps.score", 14.3m), ("nps.responses", 7m), ("nps.promoters", 3m), ("nps.passives", 2m), ("nps.detractors", 2m),

            // Health with default weights: p4 has all neutral components but certifications 0: 12.5 + 7.5 + 10 + 0 + 7.5 + 5
            // = 42.5 → 43 < 44. The others were active just now (engagement 100): p2, the lowest, 25 + 7.5 + 0 (d2 lost) + 0
            // + 7.5 + 6.5 = 46.5 → 47, down 10 from its peak of 57; p5 25 + 7.5 + 20 + 0 + 7.5 + 0 = 60.
            ("atRiskPartners", new[] { p4 }),
        ];

        var deadline = DateTime.UtcNow.AddSeconds(15);
        var metrics = await admin.GetMetricsAsync();
        while (metrics.Mismatches(expected).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            metrics = await admin.GetMetricsAsync();
        }

        Assert.True(metrics.Mismatches(expected).Count == 0,
            "GET /api/metrics differs from the hand-computed figures:\n" + string.Join('\n', metrics.Mismatches(expected)) + "\n" + metrics.GetRawText());
        Assert.Equal(
            ["alliance/registered/onboarding=1", "developer/registered/applied=1", "solutions/registered/active=1", "solutions/silver/active=1", "technology/registered/active=1"],
            metrics.GetProperty("partners").GetProperty("breakdown").EnumerateArray()
                .Select(c => $"{c.Str("partnerType")}/{c.Str("tier")}/{c.Str("lifecycleStage")}={c.GetProperty("partners").GetInt64()}"));
        Assert.True(toAccept1 >= 0 && toAccept3 >= 0);

        // The dashboard hears the same figures, in the same shape.
        var pushed = await dashboard.WaitForAsync("MetricsChanged", m => m.Mismatches(expected).Count == 0, mark);
        Assert.Equal(metrics.EnumerateObject().Select(p => p.Name), pushed.EnumerateObject().Select(p => p.Name));
    }
}
