using Ecosystem.Contracts.Partners;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests.Partners;

/// <summary>Health components that move with time (certification expiry), and the at-risk flag and list.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class PartnerHealthTests(GrainClusterFixture fixture)
{
    private IAtRiskPartnersGrain AtRiskList => fixture.Client.GetGrain<IAtRiskPartnersGrain>(IAtRiskPartnersGrain.Key);

    [Fact]
    public async Task A_certification_past_its_expiry_stops_counting_in_the_kpis_and_the_health()
    {
        var now = fixture.Time.GetUtcNow();
        var partnerId = NewId("partner");
        var partner = await fixture.NewPartnerAsync(partnerId);
        var expiresAt = now.AddDays(10).AddMinutes(-1);
        await fixture.DeliverAsync(partner,
            PartnerEvents.CertificationEarned(partnerId, "implementation", now.AddHours(-1), expiresAt),
            PartnerEvents.CertificationEarned(partnerId, "sales", now.AddHours(-1)));
        var both = await partner.ViewAsync();

        fixture.Time.Advance(TimeSpan.FromDays(9));
        var stillBoth = await partner.ViewAsync();

        // The daily evaluation at day 10 (a minute past the expiry) is the last before the test looks.
        fixture.Time.Advance(TimeSpan.FromDays(1));
        var saved = await fixture.SavedWhenAsync(partner, s => s.HealthHistory[^1].At >= expiresAt, "a health point after the expiry");
        var one = await partner.ViewAsync();

        Assert.Equal(2, both.Kpis.Certifications);
        Assert.Equal(80m, both.Component("certifications").Score);
        Assert.Equal(2, stillBoth.Kpis.Certifications);
        Assert.Equal(80m, stillBoth.Component("certifications").Score);

        Assert.Equal(1, one.Kpis.Certifications);
        Assert.Equal(60m, one.Component("certifications").Score);
        Assert.Equal("1 certification in force", one.Component("certifications").Detail);
        Assert.Equal(one.Health!.Score, saved.HealthHistory[^1].Score);
        Assert.True(one.Health.Score < stillBoth.Health!.Score);
    }

    [Fact]
    public async Task Health_below_the_threshold_flags_the_partner_at_risk_and_lists_it_until_it_recovers()
    {
        var now = fixture.Time.GetUtcNow();
        var partnerId = NewId("partner");
        var partner = await fixture.NewPartnerAsync(partnerId);

        // Active an hour ago (engagement 100), but the worst survey score, an offer left to expire and a lost deal:
        // 100×25% + 0 + 0 + 0 + retention neutral 50×15% + 0 = 32.5 → 33, below the default threshold 40.
        await fixture.DeliverAsync(partner, PartnerEvents.SurveyResponded(partnerId, 0, now.AddHours(-1)));
        await partner.SetLeadOutcome(NewId("lead"), new PartnerLeadRecord("expired", now.AddDays(-1), null));
        await partner.SetDealContribution(NewId("deal"), new DealContribution { Outcome = "lost", ClosedAt = now, Currency = "USD", Amount = 1_000m });
        var atRisk = await partner.ViewAsync();

        Assert.Equal(33, atRisk.Health!.Score);
        Assert.True(atRisk.AtRisk.AtRisk);
        Assert.Contains("health 33 is below the at-risk threshold 40", atRisk.AtRisk.Reason, StringComparison.Ordinal);
        Assert.Contains(partnerId, await AtRiskList.List());
        Assert.True((await fixture.SavedAsync(partner))!.State.AtRisk);

        // A win with a kept customer, a certification and a top survey: 25 + 0 + 10 + 9 + 15 + 5 = 64.
        await fixture.DeliverAsync(partner,
            PartnerEvents.CertificationEarned(partnerId, "sales", now),
            PartnerEvents.SurveyResponded(partnerId, 10, now));
        await partner.SetDealContribution(NewId("deal"), new DealContribution
        {
            Outcome = "won", ClosedAt = now, Sourced = true, AccountId = NewId("acct") + ".example", Currency = "USD",
            Amount = 1_000m, Credit = 1_000m, ReportingAmount = 1_000m, ReportingCredit = 1_000m,
        });
        var recovered = await partner.ViewAsync();

        Assert.Equal(64, recovered.Health!.Score);
        Assert.False(recovered.AtRisk.AtRisk);
        Assert.Null(recovered.AtRisk.Reason);
        Assert.DoesNotContain(partnerId, await AtRiskList.List());
        Assert.False((await fixture.SavedAsync(partner))!.State.AtRisk);
    }

    [Fact]
    public async Task A_fall_of_15_points_within_7_days_flags_the_partner_at_risk_even_above_the_threshold()
    {
        var now = fixture.Time.GetUtcNow();
        var partnerId = NewId("partner");
        var partner = await fixture.NewPartnerAsync(partnerId);
        var dealId = NewId("deal");
        // engagement 100×25 + leads 50×15 + win 100×20 + two certifications 80×15 + retention 100×15 + survey 100×10 = 89.5 → 90.
        await fixture.DeliverAsync(partner,
            PartnerEvents.CertificationEarned(partnerId, "sales", now.AddHours(-1)),
            PartnerEvents.CertificationEarned(partnerId, "implementation", now.AddHours(-1)),
            PartnerEvents.SurveyResponded(partnerId, 10, now.AddHours(-1)));
        await partner.SetDealContribution(dealId, new DealContribution
        {
            Outcome = "won", ClosedAt = now, Sourced = true, AccountId = NewId("acct") + ".example", Currency = "USD",
            Amount = 5_000m, Credit = 5_000m, ReportingAmount = 5_000m, ReportingCredit = 5_000m,
        });
        var high = await partner.ViewAsync();

        // The deal turns out lost: win rate 0 and retention back to neutral, 90 → 62 (still above 40).
        await partner.SetDealContribution(dealId, new DealContribution { Outcome = "lost", ClosedAt = now, Currency = "USD", Amount = 5_000m });
        var fallen = await partner.ViewAsync();

        Assert.Equal(90, high.Health!.Score);
        Assert.False(high.AtRisk.AtRisk);
        Assert.Equal(62, fallen.Health!.Score);
        Assert.True(fallen.AtRisk.AtRisk);
        Assert.StartsWith("health fell 28 points in 7 days (from 90 on ", fallen.AtRisk.Reason, StringComparison.Ordinal);
        Assert.Contains(partnerId, await AtRiskList.List());
    }

    [Fact]
    public async Task A_score_held_steady_for_more_than_a_week_still_counts_when_it_falls_15_points()
    {
        var start = fixture.Time.GetUtcNow();
        var partnerId = NewId("partner");
        var partner = await fixture.NewPartnerAsync(partnerId);
        var dealId = NewId("deal");
        await fixture.DeliverAsync(partner,
            PartnerEvents.CertificationEarned(partnerId, "sales", start),
            PartnerEvents.CertificationEarned(partnerId, "implementation", start),
            PartnerEvents.SurveyResponded(partnerId, 10, start));
        await partner.SetDealContribution(dealId, new DealContribution
        {
            Outcome = "won", ClosedAt = start, Sourced = true, AccountId = NewId("acct") + ".example", Currency = "USD",
            Amount = 5_000m, Credit = 5_000m, ReportingAmount = 5_000m, ReportingCredit = 5_000m,
        });
        Assert.Equal(90, (await partner.ViewAsync()).Health!.Score);

        // Eight days at 90: kept engaged, so the score (recorded only when it changes) never moves.
        fixture.Time.Advance(TimeSpan.FromDays(7));
        await fixture.DeliverAsync(partner, PartnerEvents.Engaged(partnerId, fixture.Time.GetUtcNow()));
        fixture.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(90, (await partner.ViewAsync()).Health!.Score);

        // Then the deal turns out lost: 90 → 62 within a minute, a fall of 28 points inside the last 7 days.
        await partner.SetDealContribution(dealId, new DealContribution { Outcome = "lost", ClosedAt = start, Currency = "USD", Amount = 5_000m });
        var fallen = await partner.ViewAsync();

        Assert.Equal(62, fallen.Health!.Score);
        Assert.True(fallen.AtRisk.AtRisk, "a fall from 90 (held until a minute ago) to 62 is a fall of 15+ points within 7 days");
        Assert.StartsWith("health fell 28 points in 7 days (from 90 on ", fallen.AtRisk.Reason, StringComparison.Ordinal);
        Assert.Contains(partnerId, await AtRiskList.List());
    }
}
