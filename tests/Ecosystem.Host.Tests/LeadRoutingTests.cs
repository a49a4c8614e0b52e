using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ecosystem.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.Host.Tests;

/// <summary>What the lead tests send and read over HTTP, as a partner system or the channel team would.</summary>
internal static class LeadRoutingHttp
{
    /// <summary>
    /// A routable partner of <paramref name="region"/>: PUT /api/partners, then its program terms signed, and
    /// <paramref name="certifications"/> certifications, which lift its health and so its routing score.
    /// </summary>
    public static async Task PutRoutablePartnerAsync(this HttpClient admin, string partnerId, string region, int certifications = 0)
    {
        var put = await admin.PutAsJsonAsync(new Uri($"/api/partners/{Uri.EscapeDataString(partnerId)}", UriKind.Relative),
            new { name = "Partner " + partnerId, partnerType = "solutions", region, acceptsLeads = true, capacity = 50 });
        Assert.True(put.StatusCode == HttpStatusCode.Created, $"PUT partner {partnerId}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        var events = new List<object>
        {
            new Dictionary<string, object?>
            {
                ["id"] = Events.Id("e"), ["type"] = "agreement.signed", ["occurredAt"] = Events.Now, ["partnerId"] = partnerId,
                ["document"] = "program_terms", ["version"] = "2026-01",
            },
        };
        for (var i = 0; i < certifications; i++)
        {
            events.Add(new Dictionary<string, object?>
            {
                ["id"] = Events.Id("e"), ["type"] = "certification.earned", ["occurredAt"] = Events.Now, ["partnerId"] = partnerId,
                ["certification"] = $"cert-{i}",
            });
        }

        Assert.All(await (await admin.PostEventsAsync(events)).StatusesAsync(), s => Assert.Equal("accepted", s));
    }

    public static Dictionary<string, object?> Submitted(string leadId, string region) => new()
    {
        ["id"] = Events.Id("e"), ["type"] = "lead.submitted", ["occurredAt"] = Events.Now, ["leadId"] = leadId,
        ["accountId"] = leadId + ".example", ["region"] = region, ["source"] = "marketing",
    };

    public static Dictionary<string, object?> Answer(string type, string leadId, string partnerId) => new()
    {
        ["id"] = Events.Id("e"), ["type"] = type, ["occurredAt"] = Events.Now, ["leadId"] = leadId, ["partnerId"] = partnerId,
    };

    public static Dictionary<string, object?> Converted(string leadId, string dealId) => new()
    {
        ["id"] = Events.Id("e"), ["type"] = "lead.converted", ["occurredAt"] = Events.Now, ["leadId"] = leadId, ["dealId"] = dealId,
    };

    /// <summary>POST one event; its result (status and error) as the intake answered it.</summary>
    public static async Task<(string Status, string? Error)> PostOneAsync(this HttpClient http, object e)
    {
        var response = await http.PostEventsAsync(new[] { e });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/events: {(int)response.StatusCode} {body}");
        var result = JsonDocument.Parse(body).RootElement.GetProperty("results")[0];
        return (result.GetProperty("status").GetString()!, result.Str("error"));
    }

    public static async Task<JsonElement> GetLeadAsync(this HttpClient http, string leadId)
    {
        var response = await http.GetAsync(new Uri($"/api/leads/{Uri.EscapeDataString(leadId)}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET lead {leadId}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls GET /api/leads/{id} until <paramref name="condition"/> holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<JsonElement> WaitForLeadAsync(this HttpClient http, string leadId, Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var lead = await http.GetLeadAsync(leadId);
        while (!condition(lead))
        {
            Assert.True(DateTime.UtcNow < deadline, $"lead {leadId}: {what} did not happen within {timeout.TotalSeconds} s. Last: {lead.GetRawText()}");
            await Task.Delay(100);
            lead = await http.GetLeadAsync(leadId);
        }

        return lead;
    }

    /// <summary>The history as (partnerId, outcome) pairs.</summary>
    public static (string PartnerId, string Outcome)[] Steps(this JsonElement lead) =>
        [.. lead.GetProperty("history").EnumerateArray().Select(h => (h.GetProperty("partnerId").GetString()!, h.GetProperty("outcome").GetString()!))];

    /// <summary>The default program with the routing changed, through GET and PUT /api/program as the channel team would.</summary>
    public static async Task SetRoutingAsync(this HttpClient admin, int offerTimeoutSeconds)
    {
        var program = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/program", UriKind.Relative)))!;
        program["routing"]!["offerTimeoutSeconds"] = offerTimeoutSeconds;
        var put = await admin.PutAsync(new Uri("/api/program", UriKind.Relative),
            new StringContent(program.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var stored = await admin.GetFromJsonAsync<JsonElement>(new Uri("/api/program", UriKind.Relative));
        Assert.Equal(offerTimeoutSeconds, stored.GetProperty("routing").GetProperty("offerTimeoutSeconds").GetInt32());
    }
}

/// <summary>
/// <c>LeadOffered</c> pushes received by one hub connection (the shared <see cref="HubClient"/> records the
/// deal and partner pushes; this adds the lead offers on the same connection). Waits on a signal, never a sleep.
/// </summary>
internal sealed class LeadOfferRecorder
{
    private readonly object _gate = new();
    private readonly List<(JsonElement Offer, DateTimeOffset At)> _received = [];
    private readonly List<(Func<JsonElement, bool> Match, TaskCompletionSource<(JsonElement, DateTimeOffset)> Done)> _waiters = [];

    private LeadOfferRecorder(HubClient client)
    {
        Client = client;
        client.Connection.On<JsonElement>("LeadOffered", Receive);
    }

    public HubClient Client { get; }

    /// <summary>Connects with <paramref name="key"/> and watches <paramref name="partnerIds"/>.</summary>
    public static async Task<LeadOfferRecorder> WatchAsync(HostProcess host, string key, string name, params string[] partnerIds)
    {
        var recorder = new LeadOfferRecorder(HubClient.Create(host, key, name));
        await recorder.Client.Connection.StartAsync();
        foreach (var partnerId in partnerIds)
        {
            var view = await recorder.Client.WatchPartnerAsync(partnerId);
            Assert.Equal(partnerId, view.GetProperty("partnerId").GetString());
        }

        return recorder;
    }

    public IReadOnlyList<JsonElement> Received()
    {
        lock (_gate)
        {
            return [.. _received.Select(r => r.Offer)];
        }
    }

    /// <summary>The first offer matching, and when it arrived; waits for it up to <paramref name="timeout"/>.</summary>
    public async Task<(JsonElement Offer, DateTimeOffset At)> WaitForAsync(Func<JsonElement, bool> match, TimeSpan timeout, string what)
    {
        TaskCompletionSource<(JsonElement, DateTimeOffset)> done;
        lock (_gate)
        {
            foreach (var r in _received)
            {
                if (match(r.Offer))
                {
                    return r;
                }
            }

            done = new TaskCompletionSource<(JsonElement, DateTimeOffset)>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
        }

        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Client.Name} received no LeadOffered for {what} within {timeout.TotalSeconds} s. It received: " +
                string.Join("; ", Received().Select(o => o.GetRawText())));
        }
    }

    private void Receive(JsonElement offer)
    {
        offer = offer.Clone();
        var at = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            _received.Add((offer, at));
            foreach (var (match, done) in _waiters)
            {
                if (!done.Task.IsCompleted && match(offer))
                {
                    done.TrySetResult((offer, at));
                }
            }
        }
    }
}

/// <summary>Answers and conversion over a running host with the default program (4 h offers, so nothing expires here).</summary>
public sealed class LeadRoutingTests(SqliteHost fixture) : IClassFixture<SqliteHost>
{
    private HostProcess Host => fixture.Host;

    [Fact]
    public async Task Only_the_partner_holding_the_offer_may_accept_it_and_a_converted_lead_makes_that_partner_a_referral_touch_of_the_deal()
    {
        using var admin = Host.Client();
        var region = Events.Id("region");
        var (holder, other, registrant) = (Events.Id("p-holder"), Events.Id("p-other"), Events.Id("p-registrant"));
        var (leadId, dealId) = (Events.Id("lead"), Events.Id("deal"));
        await admin.PutRoutablePartnerAsync(holder, region, certifications: 2);
        await admin.PutRoutablePartnerAsync(other, region);
        var (_, holderKey) = await TestKeys.PartnerAsync(Host, holder);
        var (_, otherKey) = await TestKeys.PartnerAsync(Host, other);
        var (_, repKey) = await TestKeys.RepAsync(Host, Events.Id("rep"));
        using var asHolder = Host.Client(holderKey);
        using var asOther = Host.Client(otherKey);
        using var asRep = Host.Client(repKey);
        var watcher = await LeadOfferRecorder.WatchAsync(Host, holderKey, holder, holder);
        await using var watcherClient = watcher.Client;

        Assert.Equal(("accepted", null), await admin.PostOneAsync(LeadRoutingHttp.Submitted(leadId, region)));
        var (pushed, _) = await watcher.WaitForAsync(o => o.Str("leadId") == leadId, HubClient.PushTimeout, leadId);
        var offered = await admin.GetLeadAsync(leadId);

        Assert.Equal(holder, pushed.Str("partnerId"));
        Assert.Equal(leadId + ".example", pushed.Str("accountId"));
        Assert.Equal(offered.GetProperty("offerExpiresAt").GetDateTimeOffset(), pushed.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal("offered", offered.Str("status"));
        Assert.Equal(holder, offered.Str("offeredTo"));
        var offer = offered.GetProperty("history")[0];
        Assert.True(offer.GetProperty("score").GetDecimal() > 0);
        Assert.Equal(6, offer.GetProperty("reasons").GetArrayLength());

        // Not the holder: refused with the reason, whoever sends it.
        var byOther = await asOther.PostOneAsync(LeadRoutingHttp.Answer("lead.accepted", leadId, other));
        var byAdminForOther = await admin.PostOneAsync(LeadRoutingHttp.Answer("lead.accepted", leadId, other));
        var byOtherForHolder = await asOther.PostOneAsync(LeadRoutingHttp.Answer("lead.accepted", leadId, holder));
        var byRep = await asRep.PostOneAsync(LeadRoutingHttp.Answer("lead.accepted", leadId, holder));
        Assert.Equal("rejected", byOther.Status);
        Assert.Contains("offered to another partner", byOther.Error, StringComparison.Ordinal);
        Assert.Equal("rejected", byAdminForOther.Status);
        Assert.Contains("offered to another partner", byAdminForOther.Error, StringComparison.Ordinal);
        Assert.Equal("rejected", byOtherForHolder.Status);
        Assert.Contains("this key's partner", byOtherForHolder.Error, StringComparison.Ordinal);
        Assert.Equal("rejected", byRep.Status);
        Assert.Contains("holding the offer", byRep.Error, StringComparison.Ordinal);
        Assert.Equal([(holder, "offered")], (await admin.GetLeadAsync(leadId)).Steps());

        // The holder: accepted, and the same event again is a duplicate.
        var acceptance = LeadRoutingHttp.Answer("lead.accepted", leadId, holder);
        Assert.Equal(("accepted", null), await asHolder.PostOneAsync(acceptance));
        Assert.Equal(("duplicate", null), await asHolder.PostOneAsync(acceptance));
        var accepted = await asHolder.GetLeadAsync(leadId);
        Assert.Equal("accepted", accepted.Str("status"));
        Assert.Equal(holder, accepted.Str("acceptedBy"));
        Assert.Equal([(holder, "offered"), (holder, "accepted")], accepted.Steps());
        // The other partner was never offered this lead, so it cannot see it.
        Assert.Equal(HttpStatusCode.NotFound, (await asOther.GetAsync(new Uri($"/api/leads/{leadId}", UriKind.Relative))).StatusCode);

        // Converted into a deal another partner registered: the accepting partner referred it.
        Assert.Equal(["accepted"], await (await admin.PostEventsAsync(Events.Registered(Events.Id("e"), dealId, registrant, dealId + ".example", 5000m))).StatusesAsync());
        Assert.Equal(("accepted", null), await admin.PostOneAsync(LeadRoutingHttp.Converted(leadId, dealId)));

        var converted = await admin.GetLeadAsync(leadId);
        Assert.Equal("converted", converted.Str("status"));
        Assert.Equal(dealId, converted.Str("dealId"));
        var deal = await asHolder.GetDealAsync(dealId);
        var participant = deal.GetProperty("participants").EnumerateArray().Single(p => p.Str("id") == holder);
        Assert.Equal("partner", participant.Str("kind"));
        Assert.Equal(["referral"], participant.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var touch = deal.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("event"))
            .Single(e => e.Str("type") == "deal.touch");
        Assert.Equal((holder, "referral", "lead_converted"), (touch.Str("partnerId"), touch.Str("role"), touch.Str("activity")));
        // Referral weighs 2 against sourced 3 in role_weighted attribution: the holder has a share of the credit.
        var attribution = await asHolder.GetFromJsonAsync<JsonElement>(new Uri($"/api/deals/{dealId}/attribution?model=role_weighted", UriKind.Relative));
        Assert.Equal(2000m, attribution.GetProperty("credits").EnumerateArray().Single(c => c.Str("partnerId") == holder).GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task A_lead_nobody_in_its_region_can_take_is_unroutable_and_listed_for_the_channel_team_only()
    {
        using var admin = Host.Client();
        var region = Events.Id("region-empty");
        var leadId = Events.Id("lead");
        // A partner of the region that has not signed the program terms does not count.
        var put = await admin.PutAsJsonAsync(new Uri($"/api/partners/{Events.Id("p-unsigned")}", UriKind.Relative),
            new { name = "Unsigned", partnerType = "solutions", region, acceptsLeads = true });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        Assert.Equal(("accepted", null), await admin.PostOneAsync(LeadRoutingHttp.Submitted(leadId, region)));

        var lead = await admin.GetLeadAsync(leadId);
        Assert.Equal("unroutable", lead.Str("status"));
        Assert.Empty(lead.Steps());
        var list = await admin.GetFromJsonAsync<JsonElement>(new Uri("/api/leads?status=unroutable", UriKind.Relative));
        var listed = list.GetProperty("leads").EnumerateArray().Single(l => l.Str("leadId") == leadId);
        Assert.Equal("unroutable", listed.Str("status"));
        var (_, partnerKey) = await TestKeys.PartnerAsync(Host, Events.Id("p"));
        using var asPartner = Host.Client(partnerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await asPartner.GetAsync(new Uri("/api/leads?status=unroutable", UriKind.Relative))).StatusCode);
    }
}

/// <summary>
/// Offers on a 2-second timeout over a running host: they expire on the engine's clock with nobody calling
/// anything, watchers of the next partner hear of it, and a pending offer survives a kill -9 of the host.
/// </summary>
public sealed class LeadRoutingExpiryTests
{
    private const int OfferTimeoutSeconds = 2;

    /// <summary>After a restart, the offer's durable reminder (every 10 s after its due time) is what expires it.</summary>
    private static readonly TimeSpan AfterRestart = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task An_unanswered_offer_expires_after_the_timeout_and_moves_to_the_next_partner_who_is_told_live_until_the_lead_is_unroutable()
    {
        var storage = HostStorage.Sqlite();
        await using var host = await HostProcess.StartAsync(storage);
        using var admin = host.Client();
        await admin.SetRoutingAsync(OfferTimeoutSeconds);
        var region = Events.Id("region");
        var (first, second, third) = (Events.Id("p-first"), Events.Id("p-second"), Events.Id("p-third"));
        await admin.PutRoutablePartnerAsync(first, region, certifications: 3);
        await admin.PutRoutablePartnerAsync(second, region, certifications: 2);
        await admin.PutRoutablePartnerAsync(third, region, certifications: 1);
        var (_, firstKey) = await TestKeys.PartnerAsync(host, first);
        var (_, secondKey) = await TestKeys.PartnerAsync(host, second);
        var firstWatcher = await LeadOfferRecorder.WatchAsync(host, firstKey, first, first);
        await using var firstClient = firstWatcher.Client;
        var secondWatcher = await LeadOfferRecorder.WatchAsync(host, secondKey, second, second);
        await using var secondClient = secondWatcher.Client;
        // The channel team may watch any partner.
        var teamWatcher = await LeadOfferRecorder.WatchAsync(host, HostProcess.AdminKey, "admin", first, second, third);
        await using var teamClient = teamWatcher.Client;
        var leadId = Events.Id("lead");

        Assert.Equal(("accepted", null), await admin.PostOneAsync(LeadRoutingHttp.Submitted(leadId, region)));

        var (toFirst, _) = await firstWatcher.WaitForAsync(o => o.Str("leadId") == leadId, HubClient.PushTimeout, "the first offer");
        var firstExpiry = toFirst.GetProperty("expiresAt").GetDateTimeOffset();
        // Nobody calls anything from here on.
        var (toSecond, secondAt) = await secondWatcher.WaitForAsync(o => o.Str("leadId") == leadId, TimeSpan.FromSeconds(15), "the offer after the expiry");
        var (toThird, _) = await teamWatcher.WaitForAsync(o => o.Str("leadId") == leadId && o.Str("partnerId") == third, TimeSpan.FromSeconds(15), "the third offer");
        var final = await admin.WaitForLeadAsync(leadId, l => l.Str("status") == "unroutable", TimeSpan.FromSeconds(15), "the third expiry");

        Assert.Equal(first, toFirst.Str("partnerId"));
        Assert.Equal(second, toSecond.Str("partnerId"));
        Assert.True(secondAt >= firstExpiry, $"the second offer arrived at {secondAt:O}, before the first expired at {firstExpiry:O}");
        Assert.Equal(third, toThird.Str("partnerId"));
        Assert.InRange(toSecond.GetProperty("expiresAt").GetDateTimeOffset() - firstExpiry, TimeSpan.FromSeconds(OfferTimeoutSeconds), TimeSpan.FromSeconds(OfferTimeoutSeconds + 5));
        // Each watcher heard only of its own partner's offer; the team heard of all three.
        Assert.All(firstWatcher.Received(), o => Assert.Equal(first, o.Str("partnerId")));
        Assert.All(secondWatcher.Received(), o => Assert.Equal(second, o.Str("partnerId")));
        Assert.Equal([first, second, third], teamWatcher.Received().Where(o => o.Str("leadId") == leadId).Select(o => o.Str("partnerId")));

        Assert.Equal(
            [(first, "offered"), (first, "expired"), (second, "offered"), (second, "expired"), (third, "offered"), (third, "expired")],
            final.Steps());
        var history = final.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(firstExpiry, history[1].GetProperty("at").GetDateTimeOffset());
        Assert.Equal("no answer within 2 s", history[1].GetProperty("reasons")[0].GetString());
        var scores = history.Where(h => h.Str("outcome") == "offered").Select(h => h.GetProperty("score").GetDecimal()).ToList();
        Assert.True(scores[0] > scores[1] && scores[1] > scores[2], $"offers should go best first: {string.Join(", ", scores)}");
        var list = await admin.GetFromJsonAsync<JsonElement>(new Uri("/api/leads?status=unroutable", UriKind.Relative));
        Assert.Contains(list.GetProperty("leads").EnumerateArray(), l => l.Str("leadId") == leadId);
        var firstPartner = await admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/partners/{first}", UriKind.Relative));
        Assert.Equal(1, firstPartner.GetProperty("kpis").GetProperty("leadsExpired").GetInt32());
    }

    [Fact]
    public async Task A_pending_offer_still_expires_exactly_once_and_moves_on_after_the_host_is_killed_and_restarted()
    {
        var storage = HostStorage.Sqlite();
        var region = Events.Id("region");
        var (first, second) = (Events.Id("p-first"), Events.Id("p-second"));
        var leadId = Events.Id("lead");
        DateTimeOffset expiresAt;

        var before = await HostProcess.StartAsync(storage);
        try
        {
            using var admin = before.Client();
            await admin.SetRoutingAsync(OfferTimeoutSeconds);
            await admin.PutRoutablePartnerAsync(first, region, certifications: 2);
            await admin.PutRoutablePartnerAsync(second, region, certifications: 1);

            Assert.Equal(("accepted", null), await admin.PostOneAsync(LeadRoutingHttp.Submitted(leadId, region)));
            var pending = await admin.GetLeadAsync(leadId);
            Assert.Equal((first, "offered"), (pending.Str("offeredTo"), pending.Str("status")));
            expiresAt = pending.GetProperty("offerExpiresAt").GetDateTimeOffset();
        }
        finally
        {
            await before.KillAsync();
        }

        Assert.True(DateTimeOffset.UtcNow < expiresAt, $"the host was killed after the offer had expired ({expiresAt:O}); the test proves nothing then");

        await using var after = await HostProcess.StartAsync(storage);
        using var again = after.Client();
        var moved = await again.WaitForLeadAsync(leadId, l => l.Steps().Contains((second, "offered")), AfterRestart, "the expiry after the restart");
        // The next offer runs on the restarted host's live timer: it expires too, and then nobody is left.
        var final = await again.WaitForLeadAsync(leadId, l => l.Str("status") == "unroutable", TimeSpan.FromSeconds(20), "the second expiry");

        Assert.Equal([(first, "offered"), (first, "expired"), (second, "offered")], moved.Steps().Take(3));
        Assert.Equal([(first, "offered"), (first, "expired"), (second, "offered"), (second, "expired")], final.Steps());
        Assert.Equal(expiresAt, final.GetProperty("history")[1].GetProperty("at").GetDateTimeOffset());
        var firstPartner = await again.GetFromJsonAsync<JsonElement>(new Uri($"/api/partners/{first}", UriKind.Relative));
        Assert.Equal((1, 1), (firstPartner.GetProperty("kpis").GetProperty("leadsOffered").GetInt32(), firstPartner.GetProperty("kpis").GetProperty("leadsExpired").GetInt32()));
    }
}
