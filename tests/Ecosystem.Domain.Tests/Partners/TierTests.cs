using Ecosystem.Domain.Partners;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Tests.Partners;

/// <summary>Against the program's default tiers: registered; silver 50k/1/1/40; gold 250k/2/5/60; platinum 1M/4/15/75; 30 days' grace.</summary>
public class TierTests
{
    private static readonly TierSettings Settings = ProgramSettings.Default.Tiers;
    private static readonly DateTimeOffset Now = new(2025, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TierStanding Nothing = new(0, 0, 0, 50);
    private static readonly TierStanding Silver = new(60_000, 1, 2, 55);
    private static readonly TierStanding Gold = new(300_000, 2, 6, 70);

    [Fact]
    public void A_new_partner_takes_the_tier_it_qualifies_for()
    {
        Assert.Equal("registered", Tiers.Evaluate(null, Nothing, Settings, null, Now).Tier);
        Assert.Equal("gold", Tiers.Evaluate(null, Gold, Settings, null, Now).Tier);
    }

    [Fact]
    public void The_first_tier_is_a_floor_even_when_its_thresholds_are_not_met()
    {
        var settings = Settings with { Levels = [new() { Name = "member", MinHealth = 30 }, new() { Name = "pro", MinHealth = 60 }] };

        var decision = Tiers.Evaluate("member", Nothing with { Health = 10 }, settings, null, Now);

        Assert.Equal("member", decision.Tier);
        Assert.Null(decision.BelowSince);
    }

    [Fact]
    public void Qualifying_means_meeting_every_threshold_of_the_tier()
    {
        Assert.Equal("silver", Tiers.Evaluate("silver", Gold with { WonDeals = 4 }, Settings, null, Now).Tier);
        Assert.Equal("silver", Tiers.Evaluate("silver", Gold with { Health = 59 }, Settings, null, Now).Tier);
        Assert.Equal("silver", Tiers.Evaluate("silver", Gold with { CertificationsInForce = 1 }, Settings, null, Now).Tier);
        Assert.Equal("silver", Tiers.Evaluate("silver", Gold with { SourcedRevenue = 249_999.99m }, Settings, null, Now).Tier);
        Assert.Equal("gold", Tiers.Evaluate("silver", new TierStanding(250_000, 2, 5, 60), Settings, null, Now).Tier);
    }

    [Fact]
    public void Promotion_is_immediate_even_across_several_tiers()
    {
        var decision = Tiers.Evaluate("registered", Gold, Settings, null, Now);

        Assert.Equal("gold", decision.Tier);
        Assert.Null(decision.BelowSince);
    }

    [Fact]
    public void Falling_below_keeps_the_tier_and_starts_the_grace_period_now()
    {
        var decision = Tiers.Evaluate("gold", Silver, Settings, null, Now);

        Assert.Equal("gold", decision.Tier);
        Assert.Equal(Now, decision.BelowSince);
        Assert.Equal(["sourced revenue 60,000 of 250,000", "1 more certification", "3 more won deals", "health 55 of 60"], decision.MissingToKeep);
    }

    [Fact]
    public void Demotion_waits_for_the_grace_period_then_drops_to_the_qualified_tier()
    {
        var fell = Now.AddDays(-10);

        var during = Tiers.Evaluate("gold", Silver, Settings, fell, fell.AddDays(29).AddHours(23));
        var after = Tiers.Evaluate("gold", Silver, Settings, fell, fell.AddDays(30));

        Assert.Equal("gold", during.Tier);
        Assert.Equal(fell, during.BelowSince);
        Assert.Equal("silver", after.Tier);
        Assert.Null(after.BelowSince);
        Assert.Empty(after.MissingToKeep);
    }

    [Fact]
    public void Demotion_after_grace_can_drop_several_tiers_at_once()
    {
        var fell = Now.AddDays(-31);

        Assert.Equal("registered", Tiers.Evaluate("platinum", Nothing, Settings, fell, Now).Tier);
    }

    [Fact]
    public void Re_qualifying_during_the_grace_period_clears_below_since_and_a_later_fall_starts_afresh()
    {
        var fell = Now.AddDays(-20);

        var recovered = Tiers.Evaluate("gold", Gold, Settings, fell, Now);
        var fellAgain = Tiers.Evaluate(recovered.Tier, Silver, Settings, recovered.BelowSince, Now.AddDays(15));

        Assert.Equal("gold", recovered.Tier);
        Assert.Null(recovered.BelowSince);
        Assert.Equal("gold", fellAgain.Tier);
        Assert.Equal(Now.AddDays(15), fellAgain.BelowSince);
    }

    [Fact]
    public void A_grace_period_of_zero_demotes_at_once()
    {
        var settings = Settings with { DemotionGraceDays = 0 };

        var decision = Tiers.Evaluate("gold", Silver, settings, null, Now);

        Assert.Equal("silver", decision.Tier);
        Assert.Null(decision.BelowSince);
    }

    [Fact]
    public void A_tier_the_program_no_longer_has_is_replaced_by_the_qualified_one()
    {
        var decision = Tiers.Evaluate("diamond", Silver, Settings, Now.AddDays(-3), Now);

        Assert.Equal("silver", decision.Tier);
        Assert.Null(decision.BelowSince);
    }

    [Fact]
    public void Missing_for_next_lists_each_unmet_threshold_of_the_tier_above()
    {
        var decision = Tiers.Evaluate("registered", new TierStanding(12_000, 0, 0, 35), Settings, null, Now);

        Assert.Equal("registered", decision.Tier);
        Assert.Equal("silver", decision.NextTier);
        Assert.Equal(["sourced revenue 12,000 of 50,000", "1 more certification", "1 more won deal", "health 35 of 40"], decision.MissingForNext);
    }

    [Fact]
    public void Missing_for_next_names_only_what_is_missing_and_counts_plurals()
    {
        var decision = Tiers.Evaluate("silver", new TierStanding(300_000.5m, 1, 5, 90), Settings, null, Now);

        Assert.Equal("silver", decision.Tier);
        Assert.Equal("gold", decision.NextTier);
        Assert.Equal(["1 more certification"], decision.MissingForNext);

        var fewer = Tiers.Evaluate("silver", new TierStanding(60_000.5m, 1, 2, 90), Settings, null, Now);
        Assert.Equal("silver", fewer.Tier);
        Assert.Null(fewer.BelowSince);
        Assert.Equal(["sourced revenue 60,000.5 of 250,000", "1 more certification", "3 more won deals"], fewer.MissingForNext);
    }

    [Fact]
    public void During_grace_the_next_tier_is_the_one_above_the_tier_held()
    {
        var decision = Tiers.Evaluate("gold", Silver, Settings, null, Now);

        Assert.Equal("platinum", decision.NextTier);
        Assert.Contains("3 more certifications", decision.MissingForNext);
    }

    [Fact]
    public void The_top_tier_has_no_next_tier()
    {
        var decision = Tiers.Evaluate(null, new TierStanding(2_000_000, 5, 20, 90), Settings, null, Now);

        Assert.Equal("platinum", decision.Tier);
        Assert.Null(decision.NextTier);
        Assert.Empty(decision.MissingForNext);
    }
}
