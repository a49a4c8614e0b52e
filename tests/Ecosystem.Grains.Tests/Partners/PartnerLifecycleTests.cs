using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests.Partners;

/// <summary>
/// Onboarding and lifecycle stages on the engine clock. The clock is shared by the whole collection and other
/// tests move it by months, so every time here is taken relative to <c>fixture.Time.GetUtcNow()</c>.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class PartnerLifecycleTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task The_onboarding_sequence_moves_a_partner_from_applied_through_onboarding_to_active_with_its_activation_days()
    {
        var now = fixture.Time.GetUtcNow();
        var t0 = now.AddDays(-6);
        var partnerId = NewId("partner");
        var partner = await fixture.NewPartnerAsync(partnerId);
        var applied = await partner.ViewAsync();

        await fixture.DeliverAsync(partner, AgreementSigned(partnerId, "nda", t0));
        var afterNda = await partner.ViewAsync();
        await fixture.DeliverAsync(partner, AgreementSigned(partnerId, "program_terms", t0.AddDays(1)));
        var afterTerms = await partner.ViewAsync();
        await fixture.DeliverAsync(partner, PartnerEvents.TrainingCompleted(partnerId, t0.AddDays(2)));
        var afterTraining = await partner.ViewAsync();
        // 2 days 6 hours after the terms: 2.25 days, rounded half away from zero to 2.3.
        var registeredAt = t0.AddDays(3).AddHours(6);
        await fixture.DeliverAsync(partner, DealRegistered(NewId("deal"), partnerId, registeredAt));
        var active = await partner.ViewAsync();

        Assert.Equal(
            ["applied", "onboarding", "onboarding", "onboarding", "active"],
            new[] { applied, afterNda, afterTerms, afterTraining, active }.Select(v => v.LifecycleStage));
        Assert.Equal(
            [("nda", false), ("program_terms", false), ("training", false), ("first_deal_or_lead", false), ("api_key_used", false)],
            applied.Onboarding.Steps.Select(s => (s.Name, s.Done)));
        Assert.Equal(
            [("nda", true), ("program_terms", true), ("training", true), ("first_deal_or_lead", false), ("api_key_used", false)],
            afterTraining.Onboarding.Steps.Select(s => (s.Name, s.Done)));
        Assert.Null(afterTerms.Onboarding.ActivationDays);
        Assert.Null(afterTraining.Onboarding.ActivatedAt);

        Assert.Equal(
            [("nda", t0), ("program_terms", t0.AddDays(1)), ("training", t0.AddDays(2)), ("first_deal_or_lead", registeredAt)],
            active.Onboarding.Steps.Where(s => s.Done).Select(s => (s.Name, s.At!.Value)));
        Assert.Equal(registeredAt, active.Onboarding.ActivatedAt);
        Assert.Equal(2.3m, active.Onboarding.ActivationDays);
        Assert.Equal(registeredAt, active.LastActivityAt);
        Assert.Equal(4, active.EventCount);
    }

    [Fact]
    public async Task A_step_counts_at_its_earliest_occurrence_whatever_order_the_events_arrive_in()
    {
        var now = fixture.Time.GetUtcNow();
        var partnerId = NewId("partner");
        var partner = await fixture.NewPartnerAsync(partnerId);

        // The deal is delivered before the terms it followed, and the terms are signed twice.
        await fixture.DeliverAsync(partner, DealRegistered(NewId("deal"), partnerId, now.AddDays(-1)));
        await fixture.DeliverAsync(partner, AgreementSigned(partnerId, "program_terms", now.AddDays(-3)));
        await fixture.DeliverAsync(partner, AgreementSigned(partnerId, "program_terms", now.AddDays(-2)));
        var view = await partner.ViewAsync();

        Assert.Equal("active", view.LifecycleStage);
        Assert.Equal(now.AddDays(-3), view.Step("program_terms").At);
        Assert.Equal(2m, view.Onboarding.ActivationDays);
    }

    [Fact]
    public async Task The_first_use_of_an_API_key_marks_the_api_key_used_step_once()
    {
        var now = fixture.Time.GetUtcNow();
        var partner = await fixture.NewPartnerAsync(NewId("partner"));

        await partner.MarkApiKeyUsed(now);
        await partner.MarkApiKeyUsed(now.AddHours(1));

        var step = (await partner.ViewAsync()).Step("api_key_used");
        Assert.True(step.Done);
        Assert.Equal(now, step.At);
        Assert.Equal(now, (await fixture.SavedAsync(partner))!.State.Steps["api_key_used"]);
    }

    [Fact]
    public async Task An_idle_partner_turns_dormant_and_loses_engagement_on_the_engine_clock_without_any_event_then_churns()
    {
        var now = fixture.Time.GetUtcNow();
        var partnerId = NewId("partner");
        var partner = await fixture.NewPartnerAsync(partnerId);
        var lastActivity = now.AddHours(-1);
        await fixture.DeliverAsync(partner,
            AgreementSigned(partnerId, "nda", now.AddDays(-5)),
            AgreementSigned(partnerId, "program_terms", now.AddDays(-4)),
            DealRegistered(NewId("deal"), partnerId, lastActivity));
        var before = await partner.ViewAsync();
        // A health point that events brought is saved with the next checkpoint, 30 to 45 s on.
        fixture.Time.Advance(TimeSpan.FromSeconds(45));
        var savedBefore = (await fixture.SavedWhenAsync(partner, s => s.HealthHistory.Count > 0 && s.HealthHistory[^1].Score == 55, "the health point of the events")).HealthHistory[^1];

        Assert.Equal("active", before.LifecycleStage);
        Assert.Equal(100m, before.Component("engagement").Score);
        // engagement 100×25% + four neutral components (50 × (15+20+15+10)%) + no certification = 55.
        Assert.Equal(55, before.Health!.Score);
        Assert.Equal(55, savedBefore.Score);

        // 61 days on the engine clock, and nothing else: the partner's daily evaluation timer must notice.
        fixture.Time.Advance(TimeSpan.FromDays(61));
        var saved = await fixture.SavedWhenAsync(partner, s => s.HealthHistory[^1].Score < savedBefore.Score, "a lower health point");
        var dormant = await partner.ViewAsync();

        Assert.Equal(30, saved.HealthHistory[^1].Score);
        Assert.True(saved.HealthHistory[^1].At > savedBefore.At);
        Assert.Equal(before.EventCount, saved.EventCount);
        Assert.Equal("dormant", dormant.LifecycleStage);
        Assert.Equal(0m, dormant.Component("engagement").Score);
        Assert.Equal("last activity 61 days ago", dormant.Component("engagement").Detail);
        Assert.Equal(30, dormant.Health!.Score);
        Assert.Equal(before.EventCount, dormant.EventCount);

        // 180 idle days make it churned.
        fixture.Time.Advance(TimeSpan.FromDays(120));
        Assert.Equal("churned", (await partner.ViewAsync()).LifecycleStage);
    }

    [Fact]
    public async Task New_activity_makes_a_dormant_partner_active_again()
    {
        var now = fixture.Time.GetUtcNow();
        var partnerId = NewId("partner");
        var partner = await fixture.NewPartnerAsync(partnerId);
        await fixture.DeliverAsync(partner, DealRegistered(NewId("deal"), partnerId, now.AddDays(-70)));
        var dormant = await partner.ViewAsync();

        await fixture.DeliverAsync(partner, PartnerEvents.Engaged(partnerId, now.AddHours(-2)));
        var back = await partner.ViewAsync();

        Assert.Equal("dormant", dormant.LifecycleStage);
        Assert.Equal("active", back.LifecycleStage);
        Assert.Equal(100m, back.Component("engagement").Score);
    }
}
