using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ecosystem.Host.Tests.Infrastructure;
using Ecosystem.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.Host.Tests;

internal static class DealRoomEvents
{
    public static Dictionary<string, object?> Closed(string dealId, string outcome) => new()
    {
        ["id"] = Events.Id("e"), ["type"] = "deal.closed", ["occurredAt"] = Events.Now, ["dealId"] = dealId, ["outcome"] = outcome,
    };

    /// <summary>A fresh customer domain, so that no other test's registrations hold it.</summary>
    public static string Domain() => $"acme{Guid.NewGuid():N}"[..16] + ".com";

    /// <summary>Twenty ways partners type the same domain: case, a leading "www." and a trailing dot.</summary>
    public static string[] Spellings(string domain)
    {
        var name = domain[..domain.LastIndexOf('.')];
        string[] cases =
        [
            char.ToUpperInvariant(domain[0]) + domain[1..],                      // Acme….com
            domain,                                                              // acme….com
            domain.ToUpperInvariant(),                                           // ACME….COM
            name.ToUpperInvariant() + ".Com",                                    // ACME….Com
        ];
        string[] prefixes = ["", "www.", "WWW.", "Www."];
        string[] suffixes = ["", "."];
        var all = new List<string> { cases[0], "www." + domain + ".", cases[2] };
        foreach (var c in cases)
        {
            foreach (var p in prefixes)
            {
                foreach (var s in suffixes)
                {
                    var spelling = p + c + s;
                    if (!all.Contains(spelling, StringComparer.Ordinal))
                    {
                        all.Add(spelling);
                    }
                }
            }
        }

        return [.. all.Take(20)];
    }

    public static IReadOnlySet<string> Present(JsonElement presence) =>
        presence.GetProperty("present").EnumerateArray().Select(p => p.GetString()!).ToHashSet(StringComparer.Ordinal);

    public static IEnumerable<JsonElement> Timeline(JsonElement deal) => deal.GetProperty("timeline").EnumerateArray();

    public static JsonElement EventOf(JsonElement entry) => entry.GetProperty("event");
}

/// <summary>
/// Deal registration conflicts through the HTTP API: first registration of an account wins, exactly
/// once, however the partners spell the account and however many arrive at once.
/// </summary>
public abstract class DealRoomRegistrationTests
{
    protected abstract Task<HostProcess> HostAsync();

    private sealed record Race(string Domain, string WinnerDeal, string WinnerPartner, HttpClient WinnerHttp, string[] Deals);

    /// <summary>
    /// Twenty partners, each with its own key and its own deal, register spellings of one account in
    /// twenty requests released at the same moment; returns who won after checking that exactly one did.
    /// </summary>
    private static async Task<Race> RaceAsync(HostProcess host, bool lookUpDealsFirst)
    {
        var domain = DealRoomEvents.Domain();
        var spellings = DealRoomEvents.Spellings(domain);
        Assert.Equal(20, spellings.Distinct(StringComparer.Ordinal).Count());
        var partners = Enumerable.Range(0, 20).Select(i => Events.Id($"p{i}")).ToArray();
        var deals = Enumerable.Range(0, 20).Select(i => Events.Id($"deal{i}")).ToArray();
        var keys = await Task.WhenAll(partners.Select(p => TestKeys.PartnerAsync(host, p)));
        var clients = keys.Select(k => host.Client(k.Key)).ToArray();
        using var admin = host.Client();

        // Open every client's connection first, so that the twenty registrations leave together.
        await Task.WhenAll(clients.Select(async c => Assert.Equal(HttpStatusCode.OK, (await c.GetAsync(new Uri("/api/program", UriKind.Relative))).StatusCode)));
        if (lookUpDealsFirst)
        {
            // A portal that looks a deal up before registering it: the deal exists nowhere yet.
            foreach (var deal in deals)
            {
                Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri($"/api/deals/{deal}", UriKind.Relative))).StatusCode);
            }
        }

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = Enumerable.Range(0, 20).Select(async i =>
        {
            await go.Task;
            return await (await clients[i].PostEventsAsync(Events.Registered(Events.Id("e"), deals[i], partners[i], spellings[i]))).StatusesAsync();
        }).ToArray();
        go.SetResult();
        var statuses = await Task.WhenAll(posts);
        Assert.All(statuses, s => Assert.Equal(["accepted"], s));

        var views = await Task.WhenAll(deals.Select(d => admin.GetDealAsync(d)));
        var summary = string.Join('\n', views.Select(v => $"{v.Str("dealId")} {v.RegistrationStatus()} {v.ConflictsWith()}"));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(deals[i], views[i].Str("dealId"));
            Assert.Equal(domain, views[i].Str("accountId"));
            Assert.Equal(partners[i], views[i].Str("registeredBy"));
            Assert.True(views[i].GetProperty("registration").TryGetProperty("expiresAt", out _));
        }

        var approved = views.Where(v => v.RegistrationStatus() == "approved").ToList();
        Assert.True(approved.Count == 1, $"Expected exactly one approved registration:\n{summary}");
        var winner = approved[0].Str("dealId")!;
        Assert.Null(approved[0].ConflictsWith());
        var losers = views.Where(v => v.Str("dealId") != winner).ToList();
        Assert.Equal(19, losers.Count);
        Assert.All(losers, v =>
        {
            Assert.True(v.RegistrationStatus() == "conflict", $"Expected conflict:\n{summary}");
            Assert.Equal(winner, v.ConflictsWith());
        });

        var w = Array.IndexOf(deals, winner);
        foreach (var (c, i) in clients.Select((c, i) => (c, i)).Where(x => x.i != w))
        {
            c.Dispose();
        }

        return new Race(domain, winner, partners[w], clients[w], deals);
    }

    [Fact]
    public async Task Twenty_partners_registering_one_account_at_the_same_moment_get_exactly_one_approval_and_nineteen_conflicts_naming_it()
    {
        var race = await RaceAsync(await HostAsync(), lookUpDealsFirst: false);
        race.WinnerHttp.Dispose();
    }

    [Fact]
    public async Task Twenty_partners_racing_for_one_account_on_deals_that_were_looked_up_before_get_exactly_one_approval()
    {
        // A few rounds, each on its own account: the window between deciding and telling the deal is short.
        var host = await HostAsync();
        for (var round = 0; round < 3; round++)
        {
            var race = await RaceAsync(host, lookUpDealsFirst: true);
            race.WinnerHttp.Dispose();
        }
    }

    [Fact]
    public async Task The_winner_may_register_the_account_again_and_once_its_deals_are_closed_the_account_is_free_for_others()
    {
        var host = await HostAsync();
        var race = await RaceAsync(host, lookUpDealsFirst: false);
        using var winner = race.WinnerHttp;
        using var admin = host.Client();

        // The same partner registering the account again is not in conflict with itself.
        var again = Events.Id("deal-again");
        Assert.Equal(["accepted"], await (await winner.PostEventsAsync(
            Events.Registered(Events.Id("e"), again, race.WinnerPartner, "WWW." + race.Domain.ToUpperInvariant() + "."))).StatusesAsync());
        var againView = await admin.GetDealAsync(again);
        Assert.Equal("approved", againView.RegistrationStatus());
        Assert.Null(againView.ConflictsWith());

        // The winning deal is lost; the winner's second, open deal still holds the account.
        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(DealRoomEvents.Closed(race.WinnerDeal, "lost"))).StatusesAsync());
        Assert.Equal("lost", (await admin.GetDealAsync(race.WinnerDeal)).Str("outcome"));
        var (late, lateHttp) = await RegisterAsNewPartnerAsync(host, race.Domain);
        var lateView = await admin.GetDealAsync(late);
        Assert.Equal("conflict", lateView.RegistrationStatus());
        Assert.Equal(again, lateView.ConflictsWith());
        lateHttp.Dispose();

        // With every deal of the first registrant closed, another partner's registration is approved.
        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(DealRoomEvents.Closed(again, "lost"))).StatusesAsync());
        var (newcomer, newcomerHttp) = await RegisterAsNewPartnerAsync(host, "Www." + race.Domain);
        using (newcomerHttp)
        {
            var newcomerView = await newcomerHttp.GetDealAsync(newcomer);
            Assert.Equal("approved", newcomerView.RegistrationStatus());
            Assert.Null(newcomerView.ConflictsWith());
            Assert.Equal(race.Domain, newcomerView.Str("accountId"));
        }
    }

    [Fact]
    public async Task Once_the_winning_deal_is_closed_lost_another_partners_registration_is_approved()
    {
        var host = await HostAsync();
        var race = await RaceAsync(host, lookUpDealsFirst: false);
        race.WinnerHttp.Dispose();
        using var admin = host.Client();

        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(DealRoomEvents.Closed(race.WinnerDeal, "lost"))).StatusesAsync());

        var (deal, http) = await RegisterAsNewPartnerAsync(host, race.Domain.ToUpperInvariant() + ".");
        using (http)
        {
            var view = await http.GetDealAsync(deal);
            Assert.Equal("approved", view.RegistrationStatus());
            Assert.Null(view.ConflictsWith());
        }
    }

    private static async Task<(string DealId, HttpClient Http)> RegisterAsNewPartnerAsync(HostProcess host, string accountId)
    {
        var partner = Events.Id("p-new");
        var deal = Events.Id("deal-new");
        var (_, key) = await TestKeys.PartnerAsync(host, partner);
        var http = host.Client(key);
        Assert.Equal(["accepted"], await (await http.PostEventsAsync(Events.Registered(Events.Id("e"), deal, partner, accountId))).StatusesAsync());
        return (deal, http);
    }
}

public sealed class SqliteDealRoomRegistrationTests(SqliteHost fixture) : DealRoomRegistrationTests, IClassFixture<SqliteHost>
{
    protected override Task<HostProcess> HostAsync() => Task.FromResult(fixture.Host);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDealRoomRegistrationTests(PostgresServer postgres) : DealRoomRegistrationTests
{
    protected override Task<HostProcess> HostAsync() => postgres.SharedHostAsync();
}

/// <summary>Live deal rooms over the SignalR hub, with real clients against a running host.</summary>
public sealed class DealRoomHubTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    private HostProcess Host => fixture.Host;

    private async Task<string> RegisterDealAsync(string partnerId, string partnerKey)
    {
        var deal = Events.Id("deal");
        using var http = Host.Client(partnerKey);
        Assert.Equal(["accepted"], await (await http.PostEventsAsync(Events.Registered(Events.Id("e"), deal, partnerId, DealRoomEvents.Domain()))).StatusesAsync());
        return deal;
    }

    [Fact]
    public async Task A_rep_and_the_registering_partner_in_one_deal_room_share_changes_chat_and_presence()
    {
        var partnerId = Events.Id("p");
        var repId = Events.Id("rep");
        var (_, partnerKey) = await TestKeys.PartnerAsync(Host, partnerId);
        var (_, repKey) = await TestKeys.RepAsync(Host, repId);
        var deal = await RegisterDealAsync(partnerId, partnerKey);
        using var admin = Host.Client();
        using var repHttp = Host.Client(repKey);

        await using var rep = await HubClient.ConnectAsync(Host, repKey, repId);
        await using var partner = await HubClient.ConnectAsync(Host, partnerKey, partnerId);

        // Joining answers the deal view with its timeline.
        foreach (var client in new[] { rep, partner })
        {
            var view = await client.JoinDealAsync(deal);
            Assert.Equal(deal, view.Str("dealId"));
            var timeline = DealRoomEvents.Timeline(view).ToList();
            Assert.Single(timeline);
            Assert.Equal("deal.registered", DealRoomEvents.EventOf(timeline[0]).Str("type"));
            Assert.Equal(deal, DealRoomEvents.EventOf(timeline[0]).Str("dealId"));
        }

        // Both see both present.
        bool Both(JsonElement p) => p.Str("dealId") == deal && DealRoomEvents.Present(p).SetEquals([repId, partnerId]);
        await rep.WaitForAsync("PresenceChanged", Both);
        await partner.WaitForAsync("PresenceChanged", Both);

        // The rep who joined is a participant of the deal.
        var participants = (await admin.GetDealAsync(deal)).GetProperty("participants").EnumerateArray().ToList();
        Assert.Contains(participants, p => p.Str("kind") == "rep" && p.Str("id") == repId);
        Assert.Contains(participants, p => p.Str("kind") == "partner" && p.Str("id") == partnerId);

        // An event taken over HTTP is pushed to everyone in the room.
        var stage = Events.Stage(Events.Id("e"), deal, "proposal");
        Assert.Equal(["accepted"], await (await repHttp.PostEventsAsync(stage)).StatusesAsync());
        foreach (var client in new[] { rep, partner })
        {
            var changed = await client.WaitForAsync("DealChanged", d => d.Str("dealId") == deal && d.Str("stage") == "proposal");
            Assert.Contains(DealRoomEvents.Timeline(changed), t => DealRoomEvents.EventOf(t).Str("id") == (string)stage["id"]!);
            Assert.Equal(partnerId, changed.Str("registeredBy"));
        }

        // Chat: verbatim, with its author, at both ends, and kept in the deal's timeline.
        var fromPartner = "Grüße aus Köln 👋 — 日本語のテキスト, \"quotes\" & <b>tags</b>\nsecond line";
        var fromRep = "Thanks! ✅ Proposal sent. Ünïcödé 🚀";
        await partner.SendDealMessageAsync(deal, fromPartner);
        foreach (var client in new[] { rep, partner })
        {
            var message = await client.WaitForAsync("DealMessage", m => m.Str("dealId") == deal && m.Str("text") == fromPartner);
            Assert.Equal(partnerId, message.Str("author"));
            Assert.True(message.TryGetProperty("at", out _));
        }

        await rep.SendDealMessageAsync(deal, fromRep);
        foreach (var client in new[] { rep, partner })
        {
            var message = await client.WaitForAsync("DealMessage", m => m.Str("dealId") == deal && m.Str("text") == fromRep);
            Assert.Equal(repId, message.Str("author"));
        }

        var messages = DealRoomEvents.Timeline(await admin.GetDealAsync(deal)).Select(DealRoomEvents.EventOf)
            .Where(e => e.Str("type") == "deal.message").ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal((partnerId, fromPartner), (messages[0].Str("author"), messages[0].Str("text")));
        Assert.Equal((repId, fromRep), (messages[1].Str("author"), messages[1].Str("text")));
        Assert.All(messages, m => Assert.Equal(deal, m.Str("dealId")));

        // One leaves (its connection closes): the other sees the room without it.
        var mark = rep.Mark();
        await partner.Connection.StopAsync();
        var after = await rep.WaitForAsync("PresenceChanged", p => p.Str("dealId") == deal && DealRoomEvents.Present(p).SetEquals([repId]), since: mark);
        Assert.DoesNotContain(partnerId, DealRoomEvents.Present(after));
    }

    [Fact]
    public async Task Leaving_a_deal_room_stops_its_pushes_and_updates_presence()
    {
        var partnerId = Events.Id("p");
        var repId = Events.Id("rep");
        var (_, partnerKey) = await TestKeys.PartnerAsync(Host, partnerId);
        var (_, repKey) = await TestKeys.RepAsync(Host, repId);
        var deal = await RegisterDealAsync(partnerId, partnerKey);
        var other = await RegisterDealAsync(partnerId, partnerKey);
        using var admin = Host.Client();

        await using var rep = await HubClient.ConnectAsync(Host, repKey, repId);
        await using var partner = await HubClient.ConnectAsync(Host, partnerKey, partnerId);
        await rep.JoinDealAsync(deal);
        await partner.JoinDealAsync(deal);
        await partner.JoinDealAsync(other);
        await rep.WaitForAsync("PresenceChanged", p => p.Str("dealId") == deal && DealRoomEvents.Present(p).SetEquals([repId, partnerId]));

        var mark = rep.Mark();
        await partner.LeaveDealAsync(deal);
        await rep.WaitForAsync("PresenceChanged", p => p.Str("dealId") == deal && DealRoomEvents.Present(p).SetEquals([repId]), since: mark);

        // A change of the left deal reaches the rep; then a change of the other deal reaches the partner,
        // which by then would have had the first one too had it still been in the room.
        var partnerMark = partner.Mark();
        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(Events.Stage(Events.Id("e"), deal, "negotiation"))).StatusesAsync());
        await rep.WaitForAsync("DealChanged", d => d.Str("dealId") == deal && d.Str("stage") == "negotiation");
        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(Events.Stage(Events.Id("e"), other, "qualified"))).StatusesAsync());
        await partner.WaitForAsync("DealChanged", d => d.Str("dealId") == other && d.Str("stage") == "qualified", since: partnerMark);
        Assert.DoesNotContain(partner.Received("DealChanged", deal), d => d.Str("stage") == "negotiation");
    }

    [Fact]
    public async Task An_outsider_partner_cannot_join_or_chat_in_a_deal_and_hears_nothing_from_it()
    {
        var ownerId = Events.Id("p-owner");
        var outsiderId = Events.Id("p-outsider");
        var repId = Events.Id("rep");
        var (_, ownerKey) = await TestKeys.PartnerAsync(Host, ownerId);
        var (_, outsiderKey) = await TestKeys.PartnerAsync(Host, outsiderId);
        var (_, repKey) = await TestKeys.RepAsync(Host, repId);
        var deal = await RegisterDealAsync(ownerId, ownerKey);
        var outsidersOwnDeal = await RegisterDealAsync(outsiderId, outsiderKey);
        using var admin = Host.Client();

        await using var rep = await HubClient.ConnectAsync(Host, repKey, repId);
        await rep.JoinDealAsync(deal);
        await using var outsider = await HubClient.ConnectAsync(Host, outsiderKey, outsiderId);

        var refused = await Assert.ThrowsAsync<HubException>(() => outsider.JoinDealAsync(deal));
        await Assert.ThrowsAsync<HubException>(() => outsider.SendDealMessageAsync(deal, "let me in"));
        // The refusal does not tell an existing deal from a missing one.
        var missing = Events.Id("deal-missing");
        var notFound = await Assert.ThrowsAsync<HubException>(() => outsider.JoinDealAsync(missing));
        Assert.Equal(notFound.Message.Replace(missing, "X", StringComparison.Ordinal), refused.Message.Replace(deal, "X", StringComparison.Ordinal));

        // The outsider is still connected and can use its own deal.
        Assert.Equal(outsidersOwnDeal, (await outsider.JoinDealAsync(outsidersOwnDeal)).Str("dealId"));

        // A change to the deal reaches the rep; a later change to the outsider's own deal reaches the
        // outsider, which by then would have had the first one too had it been let in.
        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(Events.Stage(Events.Id("e"), deal, "proposal"))).StatusesAsync());
        await rep.WaitForAsync("DealChanged", d => d.Str("dealId") == deal && d.Str("stage") == "proposal");
        await rep.SendDealMessageAsync(deal, "internal note");
        await rep.WaitForAsync("DealMessage", m => m.Str("dealId") == deal && m.Str("text") == "internal note");
        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(Events.Stage(Events.Id("e"), outsidersOwnDeal, "qualified"))).StatusesAsync());
        await outsider.WaitForAsync("DealChanged", d => d.Str("dealId") == outsidersOwnDeal && d.Str("stage") == "qualified");

        Assert.Empty(outsider.ReceivedAbout(deal));
        Assert.DoesNotContain(rep.Received("PresenceChanged", deal), p => DealRoomEvents.Present(p).Contains(outsiderId));
        Assert.DoesNotContain(DealRoomEvents.Timeline(await admin.GetDealAsync(deal)), t => DealRoomEvents.EventOf(t).Str("text") == "let me in");
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("eco_AAAAAAAAAAAA_forgedsecretforgedsecretforgedsecret")]
    [InlineData(HostProcess.AdminKey + "x")]
    public async Task A_bad_key_cannot_connect_to_the_hub(string key)
    {
        await using var client = HubClient.Create(Host, key, "nobody");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.Connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
    }

    [Fact]
    public async Task A_client_without_a_key_cannot_connect_to_the_hub()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Host.BaseAddress, "/hubs/ecosystem")).Build();

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_cannot_connect_to_the_hub()
    {
        var repId = Events.Id("rep");
        var (id, key) = await TestKeys.RepAsync(Host, repId);
        await using (var before = await HubClient.ConnectAsync(Host, key, repId))
        {
            Assert.Equal(HubConnectionState.Connected, before.Connection.State);
        }

        await TestKeys.RevokeAsync(Host, id);

        await using var after = HubClient.Create(Host, key, repId);
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => after.Connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
    }

    [Fact]
    public async Task A_key_in_the_access_token_query_string_of_a_websocket_upgrade_connects_as_a_browser_would()
    {
        var partnerId = Events.Id("p");
        var (_, partnerKey) = await TestKeys.PartnerAsync(Host, partnerId);
        var deal = await RegisterDealAsync(partnerId, partnerKey);

        await using var browser = HubClient.CreateWithQueryToken(Host, partnerKey, partnerId);
        await browser.Connection.StartAsync();
        Assert.Equal(deal, (await browser.JoinDealAsync(deal)).Str("dealId"));
        await browser.WaitForAsync("PresenceChanged", p => p.Str("dealId") == deal && DealRoomEvents.Present(p).Contains(partnerId));

        await using var forged = HubClient.CreateWithQueryToken(Host, "eco_AAAAAAAAAAAA_forgedsecretforgedsecretforgedsecret", "nobody");
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => forged.Connection.StartAsync());
        Assert.Contains("401", ex.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>A push reaches a client whichever node of the cluster took the event and whichever node the client is on.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DealRoomClusterTests(PostgresServer postgres)
{
    private static async Task WaitForTwoActiveSilosAsync(params HostProcess[] nodes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        foreach (var node in nodes)
        {
            using var http = node.Client();
            while (true)
            {
                var body = await (await http.GetAsync(new Uri("/api/admin/cluster", UriKind.Relative))).ReadAsync();
                last = body.GetRawText();
                if (body.GetProperty("silos").EnumerateArray().Count(s => s.Str("status") == "active") == 2)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"The two nodes did not both see two active silos within 60 s: {last}");
                await Task.Delay(200);
            }
        }
    }

    [Fact]
    public async Task A_client_on_one_node_receives_the_push_of_an_event_taken_by_the_other_node()
    {
        var (nodeA, nodeB) = await postgres.StartTwoNodeClusterAsync("rooms");
        await using var a = nodeA;
        await using var b = nodeB;
        await WaitForTwoActiveSilosAsync(a, b);

        var partnerId = Events.Id("p");
        var repId = Events.Id("rep");
        var (_, partnerKey) = await TestKeys.PartnerAsync(a, partnerId);
        var (_, repKey) = await TestKeys.RepAsync(b, repId);
        var deal = Events.Id("deal");
        using var httpA = a.Client();
        using var httpB = b.Client();
        Assert.Equal(["accepted"], await (await httpA.PostEventsAsync(Events.Registered(Events.Id("e"), deal, partnerId, DealRoomEvents.Domain()))).StatusesAsync());

        // One client on each node, in the same room: wherever the deal's grain lives, one of them is remote.
        await using var onA = await HubClient.ConnectAsync(a, repKey, repId);
        await using var onB = await HubClient.ConnectAsync(b, partnerKey, partnerId);
        Assert.Equal(deal, (await onA.JoinDealAsync(deal)).Str("dealId"));
        Assert.Equal(deal, (await onB.JoinDealAsync(deal)).Str("dealId"));

        // An event taken by node B reaches the client on node A (and the one on B).
        Assert.Equal(["accepted"], await (await httpB.PostEventsAsync(Events.Stage(Events.Id("e"), deal, "qualified"))).StatusesAsync());
        await onA.WaitForAsync("DealChanged", d => d.Str("dealId") == deal && d.Str("stage") == "qualified");
        await onB.WaitForAsync("DealChanged", d => d.Str("dealId") == deal && d.Str("stage") == "qualified");

        // And the other way round.
        Assert.Equal(["accepted"], await (await httpA.PostEventsAsync(Events.Stage(Events.Id("e"), deal, "proposal"))).StatusesAsync());
        await onB.WaitForAsync("DealChanged", d => d.Str("dealId") == deal && d.Str("stage") == "proposal");
        await onA.WaitForAsync("DealChanged", d => d.Str("dealId") == deal && d.Str("stage") == "proposal");

        // Chat and presence cross nodes too.
        await onA.SendDealMessageAsync(deal, "from node A ✓");
        var message = await onB.WaitForAsync("DealMessage", m => m.Str("dealId") == deal && m.Str("text") == "from node A ✓");
        Assert.Equal(repId, message.Str("author"));
        await onA.WaitForAsync("PresenceChanged", p => p.Str("dealId") == deal && DealRoomEvents.Present(p).SetEquals([repId, partnerId]));
        await onB.WaitForAsync("PresenceChanged", p => p.Str("dealId") == deal && DealRoomEvents.Present(p).SetEquals([repId, partnerId]));

        var mark = onA.Mark();
        await onB.Connection.StopAsync();
        await onA.WaitForAsync("PresenceChanged", p => p.Str("dealId") == deal && DealRoomEvents.Present(p).SetEquals([repId]), since: mark);
    }
}

/// <summary>A registration's protection window runs out on the clock, across a restart of the host.</summary>
public sealed class DealRoomExpiryTests
{
    [Fact]
    public async Task A_registration_past_its_window_is_expired_after_a_restart_and_frees_the_account()
    {
        var storage = HostStorage.Sqlite();
        var domain = DealRoomEvents.Domain();
        var deal = Events.Id("deal");
        var rival = Events.Id("deal-rival");
        DateTimeOffset expiresAt;

        var first = await HostProcess.StartAsync(storage);
        try
        {
            using var admin = first.Client();

            // The default program with only the protection window changed: 0.0001 days = 8.64 s.
            var program = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/program", UriKind.Relative)))!;
            program["registration"]!["protectionWindowDays"] = 0.0001m;
            var put = await admin.PutAsync(new Uri("/api/program", UriKind.Relative),
                new StringContent(program.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            var stored = await admin.GetFromJsonAsync<JsonElement>(new Uri("/api/program", UriKind.Relative));
            Assert.Equal(0.0001m, stored.GetProperty("registration").GetProperty("protectionWindowDays").GetDecimal());

            var registered = Events.Registered(Events.Id("e"), deal, Events.Id("p-first"), domain);
            var occurredAt = DateTimeOffset.UtcNow;
            registered["occurredAt"] = occurredAt.ToString("O", CultureInfo.InvariantCulture);
            Assert.Equal(["accepted"], await (await admin.PostEventsAsync(registered)).StatusesAsync());

            var view = await admin.GetDealAsync(deal);
            Assert.Equal("approved", view.RegistrationStatus());
            expiresAt = view.GetProperty("registration").GetProperty("expiresAt").GetDateTimeOffset();
            Assert.InRange(expiresAt, occurredAt + TimeSpan.FromSeconds(8.639), occurredAt + TimeSpan.FromSeconds(8.641));

            // Inside the window, another partner is in conflict.
            var rivalRegistered = Events.Registered(Events.Id("e"), rival, Events.Id("p-rival"), domain);
            rivalRegistered["occurredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            Assert.Equal(["accepted"], await (await admin.PostEventsAsync(rivalRegistered)).StatusesAsync());
            var rivalView = await admin.GetDealAsync(rival);
            Assert.True(DateTimeOffset.UtcNow < expiresAt, "The rival registration came too late to test the window.");
            Assert.Equal("conflict", rivalView.RegistrationStatus());
            Assert.Equal(deal, rivalView.ConflictsWith());
        }
        finally
        {
            await first.KillAsync();
        }

        // The host stays down until the window has passed (a wait on the clock, which is the subject here).
        var remaining = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        await using var second = await HostProcess.StartAsync(storage);
        using var again = second.Client();

        var expired = await again.GetDealAsync(deal);
        Assert.Equal("expired", expired.RegistrationStatus());
        Assert.Equal("conflict", (await again.GetDealAsync(rival)).RegistrationStatus());

        var newcomer = Events.Id("deal-newcomer");
        var newcomerRegistered = Events.Registered(Events.Id("e"), newcomer, Events.Id("p-newcomer"), "www." + domain.ToUpperInvariant());
        newcomerRegistered["occurredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        Assert.Equal(["accepted"], await (await again.PostEventsAsync(newcomerRegistered)).StatusesAsync());
        var newView = await again.GetDealAsync(newcomer);
        Assert.Equal("approved", newView.RegistrationStatus());
        Assert.Null(newView.ConflictsWith());
    }
}
