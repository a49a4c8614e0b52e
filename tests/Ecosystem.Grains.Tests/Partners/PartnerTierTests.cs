using Ecosystem.Contracts.Partners;
using Ecosystem.Grains.Tests.Infrastructure;
using static Ecosystem.Grains.Tests.Infrastructure.TestEvents;

namespace Ecosystem.Grains.Tests.Partners;

/// <summary>
/// Tiers under the default program (silver: 50,000 sourced revenue, 1 certification, 1 won deal, health 40; gold:
/// 250,000 / 2 / 5 / 60): promotion at once, demotion only after the 30-day grace period on the engine clock.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class PartnerTierTests(GrainClusterFixture fixture)
{
    private static DealContribution WonSourced(decimal amount, DateTimeOffset closedAt, string accountId) => new()
    {
        Outcome = "won",
        ClosedAt = closedAt,
        Sourced = true,
        AccountId = accountId,
        Amount = amount,
        Currency = "USD",
        Credit = amount,
        ReportingAmount = amount,
        ReportingCredit = amount,
    };

    /// <summary>A partner active an hour ago with one certification that does not expire: registered, and only revenue and a win short of silver.</summary>
    private async Task<(IPartnerGrain Partner, string PartnerId)> CertifiedPartnerAsync()
    {
        var partnerId = NewId("partner");
        var partner = await fixture.NewPartnerAsync(partnerId);
        await fixture.DeliverAsync(partner, PartnerEvents.CertificationEarned(partnerId, "solution-architect", fixture.Time.GetUtcNow().AddHours(-1)));
        return (partner, partnerId);
    }

    [Fact]
    public async Task A_new_partner_is_registered_and_its_view_lists_what_silver_still_needs()
    {
        var partner = await fixture.NewPartnerAsync(NewId("partner"));

        var view = await partner.ViewAsync();

        Assert.Equal("registered", view.Tier);
        Assert.Equal("silver", view.TierProgress!.NextTier);
        // Health 43: engagement, leads, win rate, retention and satisfaction neutral (50), no certification.
        Assert.Equal(["sourced revenue 0 of 50,000", "1 more certification", "1 more won deal"], view.TierProgress.Missing);
        Assert.Empty(view.TierProgress.MissingToKeep);
        Assert.Null(view.TierProgress.BelowSince);
    }

    [Fact]
    public async Task A_won_sourced_deal_of_60000_with_a_certification_promotes_to_silver_at_once()
    {
        var (partner, _) = await CertifiedPartnerAsync();
        var registered = await partner.ViewAsync();

        await partner.SetDealContribution(NewId("deal"), WonSourced(60_000m, fixture.Time.GetUtcNow(), NewId("acct") + ".example"));
        var silver = await partner.ViewAsync();

        Assert.Equal("registered", registered.Tier);
        Assert.Equal(["sourced revenue 0 of 50,000", "1 more won deal"], registered.TierProgress!.Missing);

        Assert.Equal("silver", silver.Tier);
        Assert.Equal(60_000m, silver.Kpis.SourcedRevenue);
        Assert.Equal(1, silver.Kpis.WonDeals);
        Assert.Equal(1, silver.Kpis.Certifications);
        // engagement 100×25 + leads 50×15 + win rate 100×20 + certifications 60×15 + retention 100×15 + satisfaction 50×10 = 81.5 → 82.
        Assert.Equal(82, silver.Health!.Score);
        Assert.Equal("gold", silver.TierProgress!.NextTier);
        Assert.Equal(["sourced revenue 60,000 of 250,000", "1 more certification", "4 more won deals"], silver.TierProgress.Missing);
        Assert.Empty(silver.TierProgress.MissingToKeep);
        Assert.Null(silver.TierProgress.BelowSince);
        // Saved at once (the contribution is not in the partner's event stream).
        Assert.Equal("silver", (await fixture.SavedAsync(partner))!.State.Tier);
    }

    [Fact]
    public async Task Losing_what_silver_needs_keeps_silver_through_the_30_day_grace_period_and_demotes_after_it_on_the_engine_clock()
    {
        var (partner, _) = await CertifiedPartnerAsync();
        var dealId = NewId("deal");
        await partner.SetDealContribution(dealId, WonSourced(60_000m, fixture.Time.GetUtcNow(), NewId("acct") + ".example"));
        Assert.Equal("silver", (await partner.ViewAsync()).Tier);

        var fellAt = fixture.Time.GetUtcNow();
        await partner.SetDealContribution(dealId, null);
        var inGrace = await partner.ViewAsync();

        Assert.Equal("silver", inGrace.Tier);
        Assert.Equal(fellAt, inGrace.TierProgress!.BelowSince);
        Assert.Equal(["sourced revenue 0 of 50,000", "1 more won deal"], inGrace.TierProgress.MissingToKeep);
        Assert.Equal("gold", inGrace.TierProgress.NextTier);
        var saved = (await fixture.SavedAsync(partner))!.State;
        Assert.Equal(("silver", fellAt), (saved.Tier, saved.TierBelowSince));

        fixture.Time.Advance(TimeSpan.FromDays(29));
        var day29 = await partner.ViewAsync();
        Assert.Equal("silver", day29.Tier);
        Assert.Equal(fellAt, day29.TierProgress!.BelowSince);
        Assert.NotEmpty(day29.TierProgress.MissingToKeep);

        // Past 30 days the daily evaluation demotes it, with no event and no call from the test.
        fixture.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var demoted = await fixture.SavedWhenAsync(partner, s => s.Tier == "registered", "the demotion to registered");
        var view = await partner.ViewAsync();

        Assert.Null(demoted.TierBelowSince);
        Assert.Equal("registered", view.Tier);
        Assert.Null(view.TierProgress!.BelowSince);
        Assert.Empty(view.TierProgress.MissingToKeep);
        Assert.Equal("silver", view.TierProgress.NextTier);
        Assert.Equal(["sourced revenue 0 of 50,000", "1 more won deal"], view.TierProgress.Missing);
    }

    [Fact]
    public async Task Meeting_the_tier_again_within_the_grace_period_clears_belowSince()
    {
        var (partner, _) = await CertifiedPartnerAsync();
        var dealId = NewId("deal");
        var contribution = WonSourced(75_000m, fixture.Time.GetUtcNow(), NewId("acct") + ".example");
        await partner.SetDealContribution(dealId, contribution);
        await partner.SetDealContribution(dealId, null);
        Assert.NotNull((await partner.ViewAsync()).TierProgress!.BelowSince);

        await partner.SetDealContribution(dealId, contribution);
        var view = await partner.ViewAsync();

        Assert.Equal("silver", view.Tier);
        Assert.Null(view.TierProgress!.BelowSince);
        Assert.Empty(view.TierProgress.MissingToKeep);
        Assert.Null((await fixture.SavedAsync(partner))!.State.TierBelowSince);
    }
}
