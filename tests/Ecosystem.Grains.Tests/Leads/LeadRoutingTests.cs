using Ecosystem.Contracts.Leads;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.Leads;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests.Leads;

/// <summary>
/// Lead routing on one silo with the fake engine clock: offers to the best scored eligible partner, moving on
/// after a decline or an expiry, giving up after the maximum offers, and round-robin among equals. The program
/// is the default one (4 h offer timeout, 3 offers per lead); each test has a region of its own.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class LeadRoutingTests(GrainClusterFixture fixture)
{
    private static readonly TimeSpan OfferTimeout = TimeSpan.FromHours(4);

    private LeadScenario NewScenario() => new(fixture);

    [Fact]
    public async Task An_offer_goes_to_the_best_scored_partner_and_a_decline_moves_it_to_the_next_best()
    {
        var world = NewScenario();
        var best = await world.PartnerAsync(NewId("p-best"), certifications: 3);
        var second = await world.PartnerAsync(NewId("p-second"), certifications: 2);
        var third = await world.PartnerAsync(NewId("p-third"), certifications: 1);
        var leadId = NewId("lead");

        var offered = await world.SubmitAsync(leadId);
        var declined = await world.DeclineAsync(leadId, best);

        Assert.Equal(LeadStatus.Offered, offered.Status);
        Assert.Equal(best, offered.OfferedTo);
        Assert.Equal(fixture.Time.GetUtcNow() + OfferTimeout, offered.OfferExpiresAt);

        Assert.Equal(LeadStatus.Offered, declined.Status);
        Assert.Equal(second, declined.OfferedTo);
        Assert.Equal([(best, "offered"), (best, "declined"), (second, "offered")], LeadScenario.Steps(declined));

        // Every offer carries its score and one reason per score component; the decline carries neither.
        var offers = declined.History.Where(h => h.Outcome == "offered").ToList();
        Assert.All(offers, o =>
        {
            Assert.NotNull(o.Score);
            Assert.Equal(6, o.Reasons.Count);
            Assert.StartsWith("tier", o.Reasons[0], StringComparison.Ordinal);
            Assert.StartsWith("health ", o.Reasons[1], StringComparison.Ordinal);
            Assert.StartsWith("load ", o.Reasons[5], StringComparison.Ordinal);
        });
        Assert.True(offers[0].Score > offers[1].Score, $"the first offer ({offers[0].Score}) should outscore the second ({offers[1].Score})");
        var decline = declined.History[1];
        Assert.Null(decline.Score);
        Assert.Empty(decline.Reasons);

        // The third partner was not needed, and the partners' records say what happened to them.
        Assert.DoesNotContain(declined.History, h => h.PartnerId == third);
        var bestView = await world.Partner(best).GetView();
        var secondView = await world.Partner(second).GetView();
        Assert.Equal((1, 1), (bestView!.Kpis.LeadsOffered, bestView.Kpis.LeadsDeclined));
        Assert.Equal((1, 0), (secondView!.Kpis.LeadsOffered, secondView.Kpis.LeadsDeclined));
    }

    [Fact]
    public async Task An_offer_not_answered_in_time_expires_on_the_engine_clock_and_moves_to_the_next_best()
    {
        var world = NewScenario();
        var first = await world.PartnerAsync(NewId("p-first"), certifications: 2);
        var next = await world.PartnerAsync(NewId("p-next"), certifications: 1);
        var leadId = NewId("lead");

        var offered = await world.SubmitAsync(leadId);
        Assert.Equal(first, offered.OfferedTo);
        var expiresAt = offered.OfferExpiresAt!.Value;
        Assert.Equal(fixture.Time.GetUtcNow() + OfferTimeout, expiresAt);

        // A second before the timeout nothing has happened.
        fixture.Time.Advance(OfferTimeout - TimeSpan.FromSeconds(1));
        var before = await world.ViewAsync(leadId);
        Assert.Equal((LeadStatus.Offered, first), (before.Status, before.OfferedTo));

        // Past it, the lead's own timer on the engine clock expires the offer and offers the lead to the next best.
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var moved = await world.WaitForAsync(leadId, v => v.OfferedTo == next, "the expiry and the next offer");

        Assert.Equal([(first, "offered"), (first, "expired"), (next, "offered")], LeadScenario.Steps(moved));
        var expired = moved.History[1];
        Assert.Equal(expiresAt, expired.At);
        Assert.Null(expired.Score);
        Assert.Equal(["no answer within 14400 s"], expired.Reasons);
        var nextOffer = moved.History[2];
        Assert.Equal(fixture.Time.GetUtcNow(), nextOffer.At);
        Assert.NotNull(nextOffer.Score);
        Assert.Equal(fixture.Time.GetUtcNow() + OfferTimeout, moved.OfferExpiresAt);

        // The first partner's answer comes too late; the partner holding the offer now may accept it.
        var late = await world.AnswerAsync(EventTypes.LeadAccepted, leadId, first);
        var accepted = await world.AnswerAsync(EventTypes.LeadAccepted, leadId, next);
        var final = await world.ViewAsync(leadId);

        Assert.Null(late.Logged);
        Assert.Contains("offered to another partner", late.Error, StringComparison.Ordinal);
        Assert.Null(accepted.Error);
        Assert.NotNull(accepted.Logged);
        Assert.Equal(LeadStatus.Accepted, final.Status);
        Assert.Equal(next, final.AcceptedBy);
        Assert.Null(final.OfferedTo);
        Assert.Equal([(first, "offered"), (first, "expired"), (next, "offered"), (next, "accepted")], LeadScenario.Steps(final));
        Assert.Equal(1, (await world.Partner(first).GetView())!.Kpis.LeadsExpired);
        Assert.Equal(1, (await world.Partner(next).GetView())!.Kpis.LeadsAccepted);

        // Nothing more happens to an accepted lead when its old expiry time passes again.
        fixture.Time.Advance(OfferTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(4, (await world.ViewAsync(leadId)).History.Count);
    }

    [Fact]
    public async Task After_the_maximum_number_of_offers_the_lead_is_unroutable_and_listed_for_the_channel_team()
    {
        var world = NewScenario();
        var a = await world.PartnerAsync(NewId("p-a"), certifications: 3);
        var b = await world.PartnerAsync(NewId("p-b"), certifications: 2);
        var c = await world.PartnerAsync(NewId("p-c"), certifications: 1);
        var d = await world.PartnerAsync(NewId("p-d"));
        var leadId = NewId("lead");

        await world.SubmitAsync(leadId);
        await world.DeclineAsync(leadId, a);
        await world.DeclineAsync(leadId, b);
        var view = await world.DeclineAsync(leadId, c);

        // Three offers (the default maximum) were made; the fourth partner, still eligible, is not tried.
        Assert.Equal(LeadStatus.Unroutable, view.Status);
        Assert.Null(view.OfferedTo);
        Assert.Null(view.OfferExpiresAt);
        Assert.Equal(
            [(a, "offered"), (a, "declined"), (b, "offered"), (b, "declined"), (c, "offered"), (c, "declined")],
            LeadScenario.Steps(view));
        Assert.DoesNotContain(view.History, h => h.PartnerId == d);
        var unroutable = await fixture.Client.GetGrain<IUnroutableLeadsGrain>(IUnroutableLeadsGrain.Key).List(1000);
        Assert.Contains(leadId, unroutable);

        // An answer to an unroutable lead is refused with the reason.
        var stray = await world.AnswerAsync(EventTypes.LeadAccepted, leadId, d);
        Assert.Null(stray.Logged);
        Assert.Contains("unroutable", stray.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partner_at_capacity_is_skipped_even_with_the_best_score()
    {
        var world = NewScenario();
        var busy = await world.PartnerAsync(NewId("p-busy"), certifications: 3, capacity: 1);
        var other = await world.PartnerAsync(NewId("p-other"));
        var firstLead = NewId("lead");
        var secondLead = NewId("lead");

        var first = await world.SubmitAsync(firstLead);
        var second = await world.SubmitAsync(secondLead);

        // The first offer fills the best partner's only slot, so the second lead goes to the other partner.
        Assert.Equal(busy, first.OfferedTo);
        Assert.Equal([(other, "offered")], LeadScenario.Steps(second));
        Assert.True(first.History[0].Score > second.History[0].Score,
            $"the busy partner ({first.History[0].Score}) should outscore the other ({second.History[0].Score}): it was skipped for capacity, not score");

        // A decline gives the slot back, and the busy partner can be offered a lead again.
        await world.DeclineAsync(firstLead, busy);
        var thirdLead = NewId("lead");
        var third = await world.SubmitAsync(thirdLead);
        Assert.Equal(busy, third.OfferedTo);
    }

    [Fact]
    public async Task A_partner_without_program_terms_or_not_accepting_leads_is_never_offered_a_lead()
    {
        var world = NewScenario();
        // Both inactive partners would outscore the active one: only eligibility keeps them out.
        var unsigned = await world.PartnerAsync(NewId("p-unsigned"), certifications: 3, programTermsSigned: false);
        var refusing = await world.PartnerAsync(NewId("p-refusing"), certifications: 3, acceptsLeads: false);
        var active = await world.PartnerAsync(NewId("p-active"));
        var leads = new[] { NewId("lead"), NewId("lead") };

        var offers = new List<LeadView>();
        foreach (var lead in leads)
        {
            offers.Add(await world.SubmitAsync(lead));
        }

        var afterDecline = await world.DeclineAsync(leads[0], active);

        Assert.All(offers, o => Assert.Equal([(active, "offered")], LeadScenario.Steps(o)));
        // With the only active partner out, nobody is left: unroutable at once, never the inactive partners.
        Assert.Equal(LeadStatus.Unroutable, afterDecline.Status);
        Assert.Equal([(active, "offered"), (active, "declined")], LeadScenario.Steps(afterDecline));
        Assert.Contains(leads[0], await fixture.Client.GetGrain<IUnroutableLeadsGrain>(IUnroutableLeadsGrain.Key).List(1000));
        Assert.Equal(0, (await world.Partner(unsigned).GetView())!.Kpis.LeadsOffered);
        Assert.Equal(0, (await world.Partner(refusing).GetView())!.Kpis.LeadsOffered);
    }

    [Fact]
    public async Task Equal_scores_go_round_robin_to_the_least_recently_offered_partner_then_by_partner_id()
    {
        var world = NewScenario();
        // Alike in every scored figure. Only b and c serve "health", so a health lead can start the rotation
        // somewhere other than the ordinal first.
        var a = await world.PartnerAsync(world.Prefix + "-a", industries: ["retail"]);
        var b = await world.PartnerAsync(world.Prefix + "-b", industries: ["retail", "health"]);
        var c = await world.PartnerAsync(world.Prefix + "-c", industries: ["retail", "health"]);

        var offeredTo = new List<string>();
        var scores = new List<decimal>();
        foreach (var industry in new[] { "health", "retail", "retail", "retail", "retail", "retail" })
        {
            var view = await world.SubmitAsync(NewId("lead"), industry);
            offeredTo.Add(view.OfferedTo!);
            scores.Add(view.History.Single().Score!.Value);
            // Each offer a minute after the previous one, so "least recently offered" is a strict order.
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
        }

        // health → b (never offered: b before c). Then a and c, never offered, by partnerId; then b, offered
        // longest ago, although a comes first by partnerId; then a, then c.
        Assert.Equal([b, a, c, b, a, c], offeredTo);
        Assert.Single(scores.Distinct());
    }

    [Fact]
    public async Task A_partner_joining_the_routing_index_is_saved_at_once_so_that_a_crash_cannot_drop_it()
    {
        var world = NewScenario();
        var partnerId = await world.PartnerAsync(NewId("p-joined"));
        var index = fixture.Client.GetGrain<IRoutingIndexGrain>(world.Region);

        // No clock advance, no deactivation: what storage holds right after the partner's calls returned.
        var saved = await fixture.ReadSnapshotAsync<RoutingIndexState>("routing-index", index);

        var entry = saved.Partners[partnerId];
        Assert.True(entry.ProgramTermsSigned);
        Assert.True(entry.AcceptsLeads);
        Assert.Equal(world.Region, entry.Region);
    }
}
