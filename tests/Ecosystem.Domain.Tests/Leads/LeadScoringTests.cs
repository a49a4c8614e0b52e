using Ecosystem.Domain.Leads;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Tests.Leads;

public class LeadScoringTests
{
    private static readonly RoutingSettings Settings = ProgramSettings.Default.Routing;
    private static readonly TimeSpan Timeout = TimeSpan.FromHours(4);

    /// <summary>A partner with a figure for every component, each in the middle of its range.</summary>
    private static PartnerRoutingProfile Known(string id = "p-1") => new()
    {
        PartnerId = id,
        Region = "EMEA",
        AcceptsLeads = true,
        ProgramTermsSigned = true,
        Capacity = 10,
        OpenLeads = 5,
        TierRank = 1,
        TierCount = 3,
        HealthScore = 50,
        WonDeals = 5,
        LostDeals = 5,
        LeadsOffered = 4,
        LeadsAccepted = 2,
        MedianResponseSeconds = 2 * 3600,
    };

    private static PartnerRoutingProfile Newcomer(string id = "p-new") => new()
    {
        PartnerId = id,
        Region = "EMEA",
        AcceptsLeads = true,
        ProgramTermsSigned = true,
        Capacity = 10,
        TierCount = 4,
    };

    private static decimal ScoreOf(PartnerRoutingProfile p, RoutingSettings? settings = null) =>
        LeadRouting.Score(p, settings ?? Settings, Timeout).Score;

    private static RoutingSettings Only(string component) =>
        Settings with { ScoreWeights = LeadRouting.Components.ToDictionary(k => k, k => k == component ? 1m : 0m) };

    [Fact]
    public void A_partner_in_the_middle_of_every_range_scores_50()
    {
        Assert.Equal(50m, ScoreOf(Known()));
    }

    public static TheoryData<string, Func<PartnerRoutingProfile, PartnerRoutingProfile>, Func<PartnerRoutingProfile, PartnerRoutingProfile>> Better => new()
    {
        { LeadRouting.Tier, p => p with { TierRank = 0 }, p => p with { TierRank = 2 } },
        { LeadRouting.Health, p => p with { HealthScore = 30 }, p => p with { HealthScore = 90 } },
        { LeadRouting.WinRate, p => p with { WonDeals = 1, LostDeals = 9 }, p => p with { WonDeals = 9, LostDeals = 1 } },
        { LeadRouting.AcceptanceRate, p => p with { LeadsAccepted = 1 }, p => p with { LeadsAccepted = 4 } },
        { LeadRouting.ResponseSpeed, p => p with { MedianResponseSeconds = 3 * 3600 }, p => p with { MedianResponseSeconds = 60 } },
        { LeadRouting.Load, p => p with { OpenLeads = 9 }, p => p with { OpenLeads = 1 } },
    };

    [Theory]
    [MemberData(nameof(Better))]
    public void Each_component_raises_the_score_when_its_figure_improves(
        string component, Func<PartnerRoutingProfile, PartnerRoutingProfile> worse, Func<PartnerRoutingProfile, PartnerRoutingProfile> better)
    {
        Assert.True(ScoreOf(better(Known())) > ScoreOf(Known()), component);
        Assert.True(ScoreOf(worse(Known())) < ScoreOf(Known()), component);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 50)]
    [InlineData(2, 100)]
    public void Tier_counts_rank_over_the_top_rank(int rank, int expected)
    {
        Assert.Equal(expected, ScoreOf(Known() with { TierRank = rank, TierCount = 3 }, Only(LeadRouting.Tier)));
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(3600, 75)]
    [InlineData(4 * 3600, 0)]
    [InlineData(10 * 3600, 0)]
    public void Response_speed_is_one_minus_the_median_over_the_timeout_floored_at_zero(int medianSeconds, int expected)
    {
        Assert.Equal(expected, ScoreOf(Known() with { MedianResponseSeconds = medianSeconds }, Only(LeadRouting.ResponseSpeed)));
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(4, 60)]
    [InlineData(10, 0)]
    [InlineData(12, 0)]
    public void Load_is_one_minus_open_leads_over_capacity(int open, int expected)
    {
        Assert.Equal(expected, ScoreOf(Known() with { OpenLeads = open }, Only(LeadRouting.Load)));
    }

    [Fact]
    public void The_timeout_comes_from_the_settings_when_not_given()
    {
        var settings = Only(LeadRouting.ResponseSpeed) with { OfferTimeoutSeconds = 100 };

        Assert.Equal(75m, LeadRouting.Score(Known() with { MedianResponseSeconds = 25 }, settings).Score);
    }

    [Fact]
    public void A_newcomer_with_no_figures_gets_the_neutral_value_for_each_missing_one()
    {
        var score = LeadRouting.Score(Newcomer(), Settings, Timeout);

        // Tier 0 of 4 and an empty pipeline are figures; health, win rate, acceptance and speed are neutral.
        var neutralWeight = 25m + 25m + 15m + 10m;
        Assert.Equal((neutralWeight * LeadRouting.Neutral) + 10m, score.Score);
        Assert.Equal(4, score.Reasons.Count(r => r.Contains("neutral 50%", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_newcomer_is_not_starved_by_a_poor_performer_nor_placed_above_a_good_one()
    {
        var poor = Known("p-poor") with { HealthScore = 20, WonDeals = 1, LostDeals = 9, LeadsAccepted = 0, MedianResponseSeconds = 4 * 3600, TierRank = 0, TierCount = 4 };
        var good = Known("p-good") with { HealthScore = 90, WonDeals = 8, LostDeals = 2, LeadsAccepted = 4, MedianResponseSeconds = 600, TierRank = 0, TierCount = 4 };

        Assert.True(ScoreOf(Newcomer()) > ScoreOf(poor));
        Assert.True(ScoreOf(Newcomer()) < ScoreOf(good));
    }

    [Fact]
    public void A_one_tier_program_scores_tier_as_neutral()
    {
        Assert.Equal(50m, ScoreOf(Known() with { TierRank = 0, TierCount = 1 }, Only(LeadRouting.Tier)));
    }

    [Fact]
    public void Weights_are_normalized_by_their_sum()
    {
        var doubled = Settings with { ScoreWeights = Settings.ScoreWeights.ToDictionary(kv => kv.Key, kv => kv.Value * 2) };
        var profile = Known() with { HealthScore = 83, TierRank = 2, OpenLeads = 1 };

        Assert.Equal(ScoreOf(profile), ScoreOf(profile, doubled));
    }

    [Fact]
    public void A_component_weighted_zero_does_not_move_the_score_and_shows_zero_points()
    {
        var weights = new Dictionary<string, decimal>(Settings.ScoreWeights) { [LeadRouting.Health] = 0 };
        var settings = Settings with { ScoreWeights = weights };

        var low = LeadRouting.Score(Known() with { HealthScore = 0 }, settings, Timeout);
        var high = LeadRouting.Score(Known() with { HealthScore = 100 }, settings, Timeout);

        Assert.Equal(low.Score, high.Score);
        Assert.Contains(high.Reasons, r => r.StartsWith("health 100/100: +0.0 of 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_weighted_components_count_and_the_score_stays_within_0_to_100()
    {
        var best = Known() with { TierRank = 2, HealthScore = 100, WonDeals = 10, LostDeals = 0, LeadsAccepted = 4, MedianResponseSeconds = 0, OpenLeads = 0 };
        var worst = Known() with { TierRank = 0, HealthScore = 0, WonDeals = 0, LostDeals = 10, LeadsAccepted = 0, MedianResponseSeconds = 99_999, OpenLeads = 10 };

        Assert.Equal(100m, ScoreOf(best));
        Assert.Equal(0m, ScoreOf(worst));
    }

    [Fact]
    public void All_weights_zero_gives_zero_and_leaves_the_choice_to_the_tie_breaks()
    {
        var settings = Settings with { ScoreWeights = LeadRouting.Components.ToDictionary(k => k, _ => 0m) };

        Assert.Equal(0m, ScoreOf(Known(), settings));
    }

    [Fact]
    public void The_score_is_rounded_to_two_decimals()
    {
        var settings = Settings with { ScoreWeights = new Dictionary<string, decimal> { [LeadRouting.Health] = 1, [LeadRouting.WinRate] = 2 } };
        var score = ScoreOf(Known() with { HealthScore = 100, WonDeals = 0, LostDeals = 3 }, settings);

        Assert.Equal(33.33m, score);
    }

    [Fact]
    public void Reasons_give_one_line_per_component_with_its_figure_and_points()
    {
        var profile = Known() with { WonDeals = 4, LostDeals = 6, HealthScore = 72, LeadsOffered = 4, LeadsAccepted = 3, MedianResponseSeconds = 1800, OpenLeads = 3, TierRank = 2 };

        var reasons = LeadRouting.Score(profile, Settings, Timeout).Reasons;

        Assert.Equal(
            [
                "tier 3 of 3 (100%): +15.0 of 15",
                "health 72/100: +18.0 of 25",
                "win rate 40% (4 of 10 closed deals): +10.0 of 25",
                "acceptance rate 75% (3 of 4 offers accepted): +11.3 of 15",
                "median response 30m against a 4h timeout (88%): +8.8 of 10",
                "load 3 of 10 open leads (70% free): +7.0 of 10",
            ],
            reasons);
    }

    [Fact]
    public void Reasons_mention_each_component_even_for_a_newcomer()
    {
        var reasons = LeadRouting.Score(Newcomer(), Settings, Timeout).Reasons;

        Assert.Equal(LeadRouting.Components.Count, reasons.Count);
        string[] mentions = ["tier", "health", "win rate", "acceptance rate", "response", "load"];
        Assert.All(mentions.Zip(reasons), pair => Assert.StartsWith(pair.First, pair.Second, StringComparison.Ordinal));
    }

    [Fact]
    public void Scoring_is_deterministic()
    {
        Assert.Equal(LeadRouting.Score(Known(), Settings, Timeout), LeadRouting.Score(Known(), Settings, Timeout));
    }
}
