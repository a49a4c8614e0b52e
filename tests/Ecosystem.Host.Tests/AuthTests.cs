using System.Net;
using System.Net.Http.Json;
using Ecosystem.Host.Tests.Infrastructure;
using Ecosystem.Testing;

namespace Ecosystem.Host.Tests;

/// <summary>Keys, roles and scopes of the contract, against a real host.</summary>
public sealed class AuthTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    private HostProcess Host => fixture.Host;

    private async Task<(string Id, string Key)> MintAsync(object body)
    {
        using var admin = Host.Client();
        var response = await admin.PostAsJsonAsync(new Uri("/api/api-keys", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadAsync();
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    private async Task PutPartnerAsync(string partnerId)
    {
        using var admin = Host.Client();
        var response = await admin.PutAsJsonAsync(new Uri($"/api/partners/{partnerId}", UriKind.Relative),
            new { name = "Partner " + partnerId, partnerType = "solutions", region = "emea", industries = new[] { "retail" } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    [InlineData("eco_AAAAAAAAAAAA_forgedsecretforgedsecretforgedsecret")]
    public async Task A_missing_or_bad_key_gets_a_401_problem(string? key)
    {
        using var http = Host.Client(key);

        var response = await http.GetAsync(new Uri("/api/program", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_revoked_key_gets_a_401_at_once()
    {
        var (id, key) = await MintAsync(new { role = "rep", userId = "alice" });
        using var rep = Host.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await rep.GetAsync(new Uri("/api/program", UriKind.Relative))).StatusCode);

        using var admin = Host.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/api-keys/{id}", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await rep.GetAsync(new Uri("/api/program", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(new Uri("/api/api-keys/nosuchkey123", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_partner_key_posts_only_its_own_events()
    {
        var me = Events.Id("p");
        var (_, key) = await MintAsync(new { role = "partner", partnerId = me });
        using var partner = Host.Client(key);
        var myDeal = Events.Id("deal");
        var theirDeal = Events.Id("deal");

        var statuses = await (await partner.PostEventsAsync(new object[]
        {
            Events.Registered(Events.Id("e"), myDeal, me, "mine.example"),
            Events.Touch(Events.Id("e"), theirDeal, "someone-else"),
            Events.Stage(Events.Id("e"), myDeal, "qualified"),
            Events.Stage(Events.Id("e"), theirDeal, "qualified"),
            new Dictionary<string, object?> { ["id"] = Events.Id("e"), ["type"] = "deal.registration_reviewed", ["occurredAt"] = Events.Now, ["dealId"] = myDeal, ["decision"] = "approved" },
        })).StatusesAsync();

        Assert.Equal(["accepted", "rejected", "accepted", "rejected", "rejected"], statuses);
    }

    [Fact]
    public async Task A_partner_key_reads_only_its_own_partner_record_and_deals()
    {
        var me = Events.Id("p");
        var other = Events.Id("p");
        await PutPartnerAsync(me);
        await PutPartnerAsync(other);
        var (_, key) = await MintAsync(new { role = "partner", partnerId = me });
        using var partner = Host.Client(key);
        using var admin = Host.Client();
        var theirDeal = Events.Id("deal");
        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(Events.Registered(Events.Id("e"), theirDeal, other, "theirs.example"))).StatusesAsync());

        var mine = await partner.GetAsync(new Uri($"/api/partners/{me}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(me, (await mine.ReadAsync()).GetProperty("partnerId").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync(new Uri($"/api/partners/{other}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await partner.GetAsync(new Uri($"/api/deals/{theirDeal}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await partner.GetAsync(new Uri($"/api/deals/{theirDeal}/events", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri($"/api/deals/{theirDeal}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Partner_and_rep_keys_cannot_mint_keys_or_change_master_data()
    {
        var (_, partnerKey) = await MintAsync(new { role = "partner", partnerId = Events.Id("p") });
        var (_, repKey) = await MintAsync(new { role = "rep", userId = "bob" });

        foreach (var key in new[] { partnerKey, repKey })
        {
            using var http = Host.Client(key);
            var mint = await http.PostAsJsonAsync(new Uri("/api/api-keys", UriKind.Relative), new { role = "rep", userId = "mallory" });
            Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
            Assert.Equal("application/problem+json", mint.Content.Headers.ContentType?.MediaType);
            var put = await http.PutAsJsonAsync(new Uri("/api/partners/x", UriKind.Relative), new { name = "x", partnerType = "solutions", region = "emea" });
            Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.PutAsJsonAsync(new Uri("/api/program", UriKind.Relative), new { })).StatusCode);
        }
    }

    [Fact]
    public async Task Minting_a_key_validates_its_role_and_subject()
    {
        using var admin = Host.Client();

        var response = await admin.PostAsJsonAsync(new Uri("/api/api-keys", UriKind.Relative), new { role = "partner" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadAsync()).GetProperty("errors").TryGetProperty("partnerId", out _));
        var admin2 = await admin.PostAsJsonAsync(new Uri("/api/api-keys", UriKind.Relative), new { role = "admin" });
        Assert.Equal(HttpStatusCode.BadRequest, admin2.StatusCode);
    }

    [Fact]
    public async Task A_partner_profile_is_validated_and_created_then_replaced()
    {
        using var admin = Host.Client();
        var id = Events.Id("p");

        var bad = await admin.PutAsJsonAsync(new Uri($"/api/partners/{id}", UriKind.Relative), new { name = "", partnerType = "reseller", region = "emea", capacity = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("partnerType", out _));
        Assert.True(errors.TryGetProperty("capacity", out _));

        var created = await admin.PutAsJsonAsync(new Uri($"/api/partners/{id}", UriKind.Relative), new { name = "Acme SI", partnerType = "solutions", region = "emea" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.ReadAsync();
        Assert.True(view.GetProperty("acceptsLeads").GetBoolean());
        Assert.Equal(10, view.GetProperty("capacity").GetInt32());
        Assert.Equal("applied", view.GetProperty("lifecycleStage").GetString());

        var replaced = await admin.PutAsJsonAsync(new Uri($"/api/partners/{id}", UriKind.Relative), new { name = "Acme SI", partnerType = "technology", region = "emea" });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.False((await replaced.ReadAsync()).GetProperty("acceptsLeads").GetBoolean());
    }
}
