using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.Deals;
using Ecosystem.EventLog;
using Ecosystem.Grains.Projections;
using Ecosystem.Grains.Tests.Infrastructure;
using Orleans;
using Orleans.Runtime;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests.Projections;

/// <summary>
/// The log is the truth and grain state a cache of it: whatever a grain was never handed, it reads
/// from the log on activation and at every checkpoint.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ProjectionRecoveryTests(GrainClusterFixture fixture)
{
    private IDealGrain Deal(string id) => fixture.Client.GetGrain<IDealGrain>(id);

    private static IEnumerable<long> Seqs(IEnumerable<LoggedEvent> events) => events.Select(e => e.Seq);

    [Fact]
    public async Task Events_that_were_never_delivered_are_in_the_view_on_first_activation()
    {
        var dealId = NewId("deal");
        var events = await fixture.Log.WriteAsync(
            DealRegistered(dealId, NewId("partner"), T0),
            DealStageChanged(dealId, "negotiation", T0.AddDays(1)));

        var view = await Deal(dealId).GetView();

        Assert.NotNull(view);
        Assert.Equal(Seqs(events), view.Timeline.Select(t => t.Seq));
        Assert.Equal("negotiation", view.Stage);
    }

    [Fact]
    public async Task Events_that_were_never_delivered_are_in_the_view_after_the_grain_is_collected_and_reactivated()
    {
        var dealId = NewId("deal");
        var deal = Deal(dealId);
        var registered = await fixture.Log.WriteAsync(DealRegistered(dealId, NewId("partner"), T0));
        Assert.Single((await deal.GetView())!.Timeline);

        var missed = await fixture.Log.WriteAsync(DealStageChanged(dealId, "proposal", T0.AddHours(3)));
        // A live grain knows only what it was handed...
        Assert.Single((await deal.GetView())!.Timeline);

        // ...until it is deactivated the way idle grains are, and woken again.
        var deactivated = fixture.Cluster.WaitForDeactivationAsync(deal);
        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await deactivated.WaitAsync(TimeSpan.FromSeconds(30));

        var view = await deal.GetView();
        Assert.NotNull(view);
        Assert.Equal([registered.Seq, missed.Seq], view.Timeline.Select(t => t.Seq));
        Assert.Equal("proposal", view.Stage);
    }

    [Fact]
    public async Task A_live_grain_that_missed_an_event_has_it_after_the_checkpoint_that_500_applied_events_trigger()
    {
        var dealId = NewId("deal");
        var deal = Deal(dealId);
        Assert.Null(await deal.GetView());

        await deal.Apply([await fixture.Log.WriteAsync(DealRegistered(dealId, NewId("partner"), T0))]);
        var missed = await fixture.Log.WriteAsync(DealStageChanged(dealId, "negotiation", T0.AddMinutes(1)));

        // 400 applied events since the last checkpoint: no checkpoint yet, so the grain still lacks the missed one.
        var first = await fixture.Log.WriteAsync(Messages(dealId, 399, T0.AddMinutes(2)));
        await deal.Apply(first);
        var before = await deal.GetView();
        Assert.NotNull(before);
        Assert.DoesNotContain(missed.Seq, before.Timeline.Select(t => t.Seq));
        Assert.Equal("prospect", before.Stage);

        // The 500th checkpoints, and the checkpoint re-reads the log past the watermark.
        var rest = await fixture.Log.WriteAsync(Messages(dealId, 100, T0.AddHours(1)));
        await deal.Apply(rest);

        var after = await deal.GetView();
        Assert.NotNull(after);
        Assert.Contains(missed.Seq, after.Timeline.Select(t => t.Seq));
        Assert.Equal("negotiation", after.Stage);
        Assert.Equal(501, after.Timeline.Count);
        Assert.Equal(501, after.Timeline.Select(t => t.Seq).Distinct().Count());

        // A deal folds its whole stream at activation, so its checkpoint reads the log but stores nothing of it.
        Assert.Null(await fixture.TryReadSnapshotAsync<ProjectionSnapshot<DealState>>("deal", deal));
    }

    [Fact]
    public async Task A_live_grain_that_missed_an_event_has_it_after_the_checkpoint_30_to_45_seconds_after_its_first_unsaved_event()
    {
        var dealId = NewId("deal");
        var deal = Deal(dealId);
        Assert.Null(await deal.GetView());

        // The first unsaved event arms the checkpoint timer.
        await deal.Apply([await fixture.Log.WriteAsync(DealRegistered(dealId, NewId("partner"), T0))]);
        var missed = await fixture.Log.WriteAsync(DealStageChanged(dealId, "qualified", T0.AddMinutes(1)));

        fixture.Time.Advance(TimeSpan.FromSeconds(29));
        await deal.Apply([]); // not interleaved: runs after any timer tick that the advance queued
        Assert.Equal("prospect", (await deal.GetView())!.Stage);

        // The checkpoint comes 30 to 45 s after the first unsaved event (spread by grain).
        fixture.Time.Advance(TimeSpan.FromSeconds(16));
        await deal.Apply([]);

        var view = await deal.GetView();
        Assert.NotNull(view);
        Assert.Contains(missed.Seq, view.Timeline.Select(t => t.Seq));
        Assert.Equal("qualified", view.Stage);
        Assert.Null(await fixture.TryReadSnapshotAsync<ProjectionSnapshot<DealState>>("deal", deal));
    }

    [Fact]
    public async Task Activation_reads_a_backlog_longer_than_one_page_of_the_log()
    {
        var dealId = NewId("deal");
        var backlog = await fixture.Log.WriteAsync(
            [DealRegistered(dealId, NewId("partner"), T0), .. Messages(dealId, 1_199, T0.AddMinutes(1))]);

        var view = await Deal(dealId).GetView();

        Assert.NotNull(view);
        Assert.Equal(1_200, view.Timeline.Count);
        Assert.Equal(Seqs(backlog), view.Timeline.Select(t => t.Seq));
    }

    [Fact]
    public async Task After_deactivation_a_deal_folds_its_whole_stream_again_with_what_the_log_got_since()
    {
        var dealId = NewId("deal");
        var partnerId = NewId("partner");
        var deal = Deal(dealId);
        Assert.Null(await deal.GetView());

        var delivered = await fixture.Log.WriteAsync(
            DealRegistered(dealId, partnerId, T0),
            DealTouch(dealId, partnerId, TouchRoles.Referral, T0.AddHours(1)));
        await deal.Apply(delivered);

        // Deactivation stores nothing of what the log holds: the deal's stream is its state.
        await fixture.Cluster.DeactivateAsync(deal);
        Assert.Null(await fixture.TryReadSnapshotAsync<ProjectionSnapshot<DealState>>("deal", deal));

        // While the grain sleeps, the log moves on.
        var later = await fixture.Log.WriteAsync(
            DealStageChanged(dealId, "proposal", T0.AddHours(2)),
            DealMessage(dealId, "pricing sent", T0.AddHours(3)));

        var view = await deal.GetView();
        Assert.NotNull(view);
        Assert.Equal(Seqs(delivered).Concat(Seqs(later)), view.Timeline.Select(t => t.Seq));
        Assert.Equal("proposal", view.Stage);
        Assert.Equal([TouchRoles.Sourced, TouchRoles.Referral], view.Participants.Single().Roles);

        // Redelivering anything the snapshot or the catch-up covered changes nothing.
        await deal.Apply([.. delivered, .. later]);
        Assert.Equal(4, (await deal.GetView())!.Timeline.Count);
    }

    private static PendingEvent[] Messages(string dealId, int count, DateTimeOffset from) =>
        [.. Enumerable.Range(0, count).Select(i => DealMessage(dealId, $"note {i}", from.AddSeconds(i)))];
}
