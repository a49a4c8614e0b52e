using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ecosystem.Host.Tests.Infrastructure;
using Ecosystem.Testing;

namespace Ecosystem.Host.Tests;

/// <summary>The contract of <c>POST /api/events</c>, run against a real host on each database.</summary>
public abstract class IntakeTests
{
    protected abstract Task<HostProcess> HostAsync();

    [Fact]
    public async Task The_same_event_sent_twice_is_accepted_then_reported_as_a_duplicate()
    {
        using var http = (await HostAsync()).Client();
        var e = Events.Touch(Events.Id("e"), Events.Id("deal"), "p1");

        Assert.Equal(["accepted"], await (await http.PostEventsAsync(e)).StatusesAsync());
        Assert.Equal(["duplicate"], await (await http.PostEventsAsync(e)).StatusesAsync());
    }

    [Fact]
    public async Task A_batch_rejects_exactly_its_bad_events_with_reasons_and_accepts_the_rest()
    {
        using var http = (await HostAsync()).Client();
        var deal = Events.Id("deal");
        var good1 = Events.Touch(Events.Id("e"), deal, "p1");
        var badRole = Events.Touch(Events.Id("e"), deal, "p2", role: "cheerleader");
        var good2 = Events.Stage(Events.Id("e"), deal, "qualified");
        var future = Events.Stage(Events.Id("e"), deal, "proposal");
        future["occurredAt"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        var noType = new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["occurredAt"] = Events.Now };

        var response = await http.PostEventsAsync(new object[] { good1, badRole, good2, future, noType, 42 });
        var results = (await response.ReadAsync()).GetProperty("results").EnumerateArray().ToList();

        Assert.Equal(["accepted", "rejected", "accepted", "rejected", "rejected", "rejected"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Contains("role", results[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("future", results[3].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("type", results[4].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(badRole["id"], results[1].GetProperty("id").GetString());

        var log = await (await http.GetAsync(new Uri($"/api/deals/{deal}/events", UriKind.Relative))).ReadAsync();
        Assert.Equal([good1["id"], good2["id"]], log.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event").GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_rejected_event_lists_every_problem_keyed_by_field_and_every_logged_event_names_its_sender()
    {
        using var http = (await HostAsync()).Client();
        var deal = Events.Id("deal");
        var bad = Events.Touch(Events.Id("e"), deal, "p1", role: "cheerleader");
        bad.Remove("dealId");
        bad["occurredAt"] = "yesterday";
        var good = Events.Touch(Events.Id("e"), deal, "p1");

        var results = (await (await http.PostEventsAsync(new object[] { bad, good })).ReadAsync()).GetProperty("results").EnumerateArray().ToList();

        var errors = results[0].GetProperty("errors");
        Assert.Equal(["dealId", "occurredAt", "role"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("is required", errors.GetProperty("dealId")[0].GetString());
        Assert.False(results[1].TryGetProperty("errors", out _));
        var logged = Assert.Single((await (await http.GetAsync(new Uri($"/api/deals/{deal}/events", UriKind.Relative))).ReadAsync()).GetProperty("events").EnumerateArray());
        Assert.Equal("admin", logged.GetProperty("actor").GetProperty("role").GetString());
        Assert.False(string.IsNullOrEmpty(logged.GetProperty("actor").GetProperty("keyId").GetString()));
    }

    [Fact]
    public async Task An_id_repeated_inside_one_batch_counts_once()
    {
        using var http = (await HostAsync()).Client();
        var e = Events.Touch(Events.Id("e"), Events.Id("deal"), "p1");

        Assert.Equal(["accepted", "duplicate"], await (await http.PostEventsAsync(new[] { e, e })).StatusesAsync());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_and_stores_nothing()
    {
        using var http = (await HostAsync()).Client();
        var e = Events.Touch(Events.Id("e"), Events.Id("deal"), "p1");
        var valid = System.Text.Json.JsonSerializer.Serialize(e);

        var response = await http.PostAsync(new Uri("/api/events", UriKind.Relative),
            new StringContent($"[{valid}, {{\"id\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["accepted"], await (await http.PostEventsAsync(e)).StatusesAsync());
    }

    [Theory]
    [InlineData("\"just a string\"")]
    [InlineData("[]")]
    [InlineData("12")]
    public async Task A_body_that_is_not_an_event_or_array_of_events_is_a_400(string body)
    {
        using var http = (await HostAsync()).Client();

        var response = await http.PostAsync(new Uri("/api/events", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadAsync()).TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task More_than_1000_events_is_a_400_and_stores_none_of_them()
    {
        using var http = (await HostAsync()).Client();
        var deal = Events.Id("deal");
        var events = Enumerable.Range(0, 1001).Select(_ => Events.Touch(Events.Id("e"), deal, "p1")).ToArray();

        var response = await http.PostEventsAsync(events);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["accepted"], await (await http.PostEventsAsync(events[0])).StatusesAsync());
    }

    [Fact]
    public async Task A_body_over_5_MB_is_a_413_and_stores_nothing()
    {
        using var http = (await HostAsync()).Client();
        var deal = Events.Id("deal");
        var text = new string('x', 9_000);
        var events = Enumerable.Range(0, 600).Select(_ => new Dictionary<string, object?>
        {
            ["id"] = Events.Id("m"), ["type"] = "deal.message", ["occurredAt"] = Events.Now, ["dealId"] = deal, ["author"] = "alice", ["text"] = text,
        }).ToArray();

        var response = await http.PostEventsAsync(events);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(["accepted"], await (await http.PostEventsAsync(events[0])).StatusesAsync());
    }

    [Fact]
    public async Task The_log_is_queryable_per_deal_partner_and_lead_and_keeps_strings_verbatim()
    {
        using var http = (await HostAsync()).Client();
        var deal = Events.Id("deal");
        var partner = Events.Id("partner");
        var lead = Events.Id("lead");
        var text = "héllo 👋 '; DROP TABLE eco_events; -- <script>alert(1)</script>";
        var events = new object[]
        {
            Events.Registered(Events.Id("e"), deal, partner, "Acme.example"),
            new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = "deal.message", ["occurredAt"] = Events.Now, ["dealId"] = deal, ["author"] = "alice", ["text"] = text },
            Events.Engaged(Events.Id("e"), partner),
            new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = "lead.submitted", ["occurredAt"] = Events.Now, ["leadId"] = lead, ["accountId"] = "acme.example", ["region"] = "emea", ["source"] = "marketing" },
        };
        Assert.All(await (await http.PostEventsAsync(events)).StatusesAsync(), s => Assert.Equal("accepted", s));

        async Task<List<System.Text.Json.JsonElement>> Log(string path) =>
            [.. (await (await http.GetAsync(new Uri(path, UriKind.Relative))).ReadAsync()).GetProperty("events").EnumerateArray()];

        var dealLog = await Log($"/api/deals/{deal}/events");
        Assert.Equal(2, dealLog.Count);
        Assert.Equal(text, dealLog[1].GetProperty("event").GetProperty("text").GetString());
        Assert.Equal(2, (await Log($"/api/partners/{partner}/events")).Count);
        Assert.Single(await Log($"/api/leads/{lead}/events"));

        var view = await (await http.GetAsync(new Uri($"/api/deals/{deal}", UriKind.Relative))).ReadAsync();
        Assert.Equal("acme.example", view.GetProperty("accountId").GetString());
        Assert.Equal(2, view.GetProperty("timeline").GetArrayLength());
        Assert.Equal(text, view.GetProperty("timeline")[1].GetProperty("event").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Program_defaults_are_served_and_a_bad_document_is_refused_as_a_whole()
    {
        using var http = (await HostAsync()).Client();

        var program = await (await http.GetAsync(new Uri("/api/program", UriKind.Relative))).ReadAsync();
        Assert.Equal("position_based", program.GetProperty("attribution").GetProperty("defaultModel").GetString());
        Assert.Equal(90, program.GetProperty("registration").GetProperty("protectionWindowDays").GetInt32());
        Assert.Equal(3, program.GetProperty("routing").GetProperty("maxOffersPerLead").GetInt32());

        var bad = await http.PutAsJsonAsync(new Uri("/api/program", UriKind.Relative), new
        {
            attribution = new { defaultModel = "coin_flip" },
            routing = new { offerTimeoutSeconds = 0, maxOffersPerLead = 3, scoreWeights = new { health = 1 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("attribution.defaultModel", out _));
        Assert.True(errors.TryGetProperty("routing.offerTimeoutSeconds", out _));

        var unknown = await http.PutAsJsonAsync(new Uri("/api/program", UriKind.Relative), new { attribution = new { defualtModel = "linear" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        var after = await (await http.GetAsync(new Uri("/api/program", UriKind.Relative))).ReadAsync();
        Assert.Equal("position_based", after.GetProperty("attribution").GetProperty("defaultModel").GetString());
    }

    [Fact]
    public async Task Health_and_the_openapi_document_are_served_without_a_key()
    {
        using var http = (await HostAsync()).Client(key: null);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        var openapi = await (await http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).ReadAsync();
        Assert.True(openapi.GetProperty("paths").TryGetProperty("/api/events", out _));
    }
}

public sealed class SqliteIntakeTests(SqliteHost fixture) : IntakeTests, IClassFixture<SqliteHost>
{
    protected override Task<HostProcess> HostAsync() => Task.FromResult(fixture.Host);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresIntakeTests(PostgresServer postgres) : IntakeTests
{
    protected override Task<HostProcess> HostAsync() => postgres.SharedHostAsync();
}
