using Ecosystem.Contracts.Deals;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests.Projections;

/// <summary>How a deal folds the events handed to it: once each, whatever order they arrive in.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class DealProjectionTests(GrainClusterFixture fixture)
{
    private IDealGrain Deal(string id) => fixture.Client.GetGrain<IDealGrain>(id);

    [Fact]
    public async Task A_deal_that_never_had_an_event_has_no_view()
    {
        Assert.Null(await Deal(NewId("deal")).GetView());
    }

    [Fact]
    public async Task Delivered_events_show_in_the_view_and_its_timeline()
    {
        var dealId = NewId("deal");
        var partnerId = NewId("partner");
        var helperId = NewId("partner");
        var deal = Deal(dealId);
        Assert.Null(await deal.GetView());

        var events = await fixture.Log.WriteAsync(
            DealRegistered(dealId, partnerId, T0, amount: 12_000m),
            DealTouch(dealId, helperId, TouchRoles.Influenced, T0.AddHours(1)),
            DealStageChanged(dealId, "proposal", T0.AddHours(2)));
        await deal.Apply(events);

        var view = await deal.GetView();
        Assert.NotNull(view);
        Assert.Equal(events.Select(e => e.Seq), view.Timeline.Select(t => t.Seq));
        Assert.Equal(events.Select(e => e.Event.Id), view.Timeline.Select(t => t.Event.Id));
        Assert.Equal(partnerId, view.RegisteredBy);
        Assert.Equal("acme.example", view.AccountId);
        Assert.Equal(12_000m, view.Amount);
        Assert.Equal("USD", view.Currency);
        Assert.Equal("proposal", view.Stage);
        Assert.Equal([TouchRoles.Sourced], view.Participants.Single(p => p.Id == partnerId).Roles);
        Assert.Equal([TouchRoles.Influenced], view.Participants.Single(p => p.Id == helperId).Roles);
        Assert.True(await deal.IsParticipant(helperId));
        Assert.False(await deal.IsParticipant(NewId("partner")));
    }

    [Fact]
    public async Task Delivering_the_same_events_again_has_no_second_effect()
    {
        var dealId = NewId("deal");
        var partnerId = NewId("partner");
        var deal = Deal(dealId);
        Assert.Null(await deal.GetView());

        var events = await fixture.Log.WriteAsync(
            DealRegistered(dealId, partnerId, T0),
            DealTouch(dealId, partnerId, TouchRoles.Implementation, T0.AddHours(1)));
        await deal.Apply(events);
        var first = await deal.GetView();

        await deal.Apply(events);
        await deal.Apply([events[1]]);
        var again = await deal.GetView();

        Assert.NotNull(first);
        Assert.NotNull(again);
        Assert.Equal(2, again.Timeline.Count);
        Assert.Equal(first.Timeline.Select(t => t.Seq), again.Timeline.Select(t => t.Seq));
        Assert.Equal([TouchRoles.Sourced, TouchRoles.Implementation], again.Participants.Single().Roles);
    }

    [Fact]
    public async Task Events_that_activation_already_read_from_the_log_are_not_applied_again_when_delivered()
    {
        // The intake appends first and delivers after, so a grain woken by the delivery finds the same events in the log.
        var dealId = NewId("deal");
        var events = await fixture.Log.WriteAsync(
            DealRegistered(dealId, NewId("partner"), T0),
            DealStageChanged(dealId, "qualified", T0.AddMinutes(5)));

        await Deal(dealId).Apply(events);

        var view = await Deal(dealId).GetView();
        Assert.NotNull(view);
        Assert.Equal(events.Select(e => e.Seq), view.Timeline.Select(t => t.Seq));
    }

    [Fact]
    public async Task Events_delivered_out_of_log_order_are_all_applied_and_the_timeline_is_ordered_by_occurrence_then_seq()
    {
        var dealId = NewId("deal");
        var partnerId = NewId("partner");
        var deal = Deal(dealId);
        Assert.Null(await deal.GetView());

        // Log order: late (occurred an hour later), then two that occurred at the same instant.
        var late = await fixture.Log.WriteAsync(DealRegistered(dealId, partnerId, T0.AddHours(1)));
        var early = await fixture.Log.WriteAsync(DealTouch(dealId, partnerId, TouchRoles.Referral, T0));
        var earlyToo = await fixture.Log.WriteAsync(DealStageChanged(dealId, "qualified", T0));
        Assert.True(late.Seq < early.Seq && early.Seq < earlyToo.Seq);

        // Delivered highest seq first, as two nodes committing moments apart can do.
        await deal.Apply([earlyToo]);
        await deal.Apply([late]);
        await deal.Apply([early]);

        var view = await deal.GetView();
        Assert.NotNull(view);
        Assert.Equal([early.Seq, earlyToo.Seq, late.Seq], view.Timeline.Select(t => t.Seq));
        Assert.Equal("qualified", view.Stage);
        Assert.Equal(partnerId, view.RegisteredBy);

        // And a late redelivery of any of them still changes nothing.
        await deal.Apply([early, late, earlyToo]);
        Assert.Equal(3, (await deal.GetView())!.Timeline.Count);
    }

    [Fact]
    public async Task The_stage_is_the_one_of_the_latest_stage_change_whatever_order_the_changes_were_delivered_in()
    {
        var dealId = NewId("deal");
        var deal = Deal(dealId);
        Assert.Null(await deal.GetView());

        var registered = await fixture.Log.WriteAsync(DealRegistered(dealId, NewId("partner"), T0));
        var qualified = await fixture.Log.WriteAsync(DealStageChanged(dealId, "qualified", T0.AddHours(1)));
        var proposal = await fixture.Log.WriteAsync(DealStageChanged(dealId, "proposal", T0.AddHours(2)));

        // Two requests for the same deal, committed in this order, delivered the other way round.
        await deal.Apply([registered]);
        await deal.Apply([proposal]);
        await deal.Apply([qualified]);

        var view = await deal.GetView();
        Assert.NotNull(view);
        Assert.Equal([registered.Seq, qualified.Seq, proposal.Seq], view.Timeline.Select(t => t.Seq));
        Assert.Equal("proposal", view.Stage);
    }
}
