using Ecosystem.Domain.Partners;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Tests.Partners;

public class HealthScoreTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly HealthSettings Settings = ProgramSettings.Default.Health;
    private const int Timeout = 4 * 3600;

    /// <summary>A partner with a figure for every component.</summary>
    private static HealthInputs Known() => new()
    {
        Now = Now,
        LastActivityAt = Now.AddDays(-20),
        LeadsOffered = 4,
        LeadsAccepted = 2,
        MedianResponseSeconds = 2 * 3600,
        WonDeals = 3,
        LostDeals = 3,
        CertificationsInForce = 1,
        CustomersTotal = 10,
        CustomersChurned = 5,
        SurveyScores = [5, 6, 7],
    };

    private static Health Compute(HealthInputs inputs) => HealthScore.Compute(inputs, Settings, Timeout);

    private static HealthComponent Component(HealthInputs inputs, string name) => Compute(inputs).Components.Single(c => c.Name == name);

    [Fact]
    public void The_programs_default_weights_cover_every_component_and_sum_to_100()
    {
        Assert.Equal(HealthComponents.All.Order(StringComparer.Ordinal), Settings.Weights.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(100m, Settings.Weights.Values.Sum());
    }

    [Fact]
    public void Components_are_listed_once_each_by_their_program_names_with_the_programs_weights()
    {
        var health = Compute(Known());

        Assert.Equal(HealthComponents.All, health.Components.Select(c => c.Name));
        Assert.All(health.Components, c => Assert.Equal(Settings.Weights[c.Name], c.Weight));
        Assert.All(health.Components, c => Assert.False(string.IsNullOrWhiteSpace(c.Detail)));
    }

    public static TheoryData<string, Func<HealthInputs, HealthInputs>, Func<HealthInputs, HealthInputs>> Better => new()
    {
        { HealthComponents.Engagement, i => i with { LastActivityAt = Now.AddDays(-50) }, i => i with { LastActivityAt = Now.AddDays(-8) } },
        { HealthComponents.LeadResponsiveness, i => i with { LeadsAccepted = 1 }, i => i with { LeadsAccepted = 4 } },
        { HealthComponents.LeadResponsiveness, i => i with { MedianResponseSeconds = 3 * 3600 }, i => i with { MedianResponseSeconds = 60 } },
        { HealthComponents.WinRate, i => i with { WonDeals = 1 }, i => i with { LostDeals = 1 } },
        { HealthComponents.Certifications, i => i with { CertificationsInForce = 0 }, i => i with { CertificationsInForce = 3 } },
        { HealthComponents.CustomerRetention, i => i with { CustomersChurned = 8 }, i => i with { CustomersChurned = 1 } },
        { HealthComponents.Satisfaction, i => i with { SurveyScores = [2, 3, 1] }, i => i with { SurveyScores = [9, 10, 9] } },
    };

    [Theory]
    [MemberData(nameof(Better))]
    public void Each_component_moves_its_score_and_the_total_in_the_documented_direction(
        string name, Func<HealthInputs, HealthInputs> worse, Func<HealthInputs, HealthInputs> better)
    {
        var baseline = Compute(Known());
        var up = Compute(better(Known()));
        var down = Compute(worse(Known()));

        Assert.True(up.Components.Single(c => c.Name == name).Score > baseline.Components.Single(c => c.Name == name).Score, name);
        Assert.True(down.Components.Single(c => c.Name == name).Score < baseline.Components.Single(c => c.Name == name).Score, name);
        Assert.True(up.Score > baseline.Score, $"{name}: {up.Score} vs {baseline.Score}");
        Assert.True(down.Score < baseline.Score, $"{name}: {down.Score} vs {baseline.Score}");
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(7, 100)]
    [InlineData(33.5, 50)]
    [InlineData(60, 0)]
    [InlineData(400, 0)]
    [InlineData(-2, 100)]
    public void Engagement_is_full_within_7_days_and_falls_linearly_to_zero_at_60(double daysAgo, decimal expected)
    {
        Assert.Equal(expected, Component(Known() with { LastActivityAt = Now.AddDays(-daysAgo) }, HealthComponents.Engagement).Score);
    }

    [Fact]
    public void Engagement_detail_says_how_long_ago_the_last_activity_was()
    {
        Assert.Equal("last activity 12 days ago", Component(Known() with { LastActivityAt = Now.AddDays(-12.4) }, HealthComponents.Engagement).Detail);
        Assert.Equal("last activity today", Component(Known() with { LastActivityAt = Now.AddHours(-3) }, HealthComponents.Engagement).Detail);
    }

    [Fact]
    public void Lead_responsiveness_weighs_acceptance_70_and_speed_30()
    {
        var c = Component(Known() with { LeadsOffered = 4, LeadsAccepted = 3, MedianResponseSeconds = 3600 }, HealthComponents.LeadResponsiveness);

        Assert.Equal(75m, c.Score); // 100 × (0.7 × 0.75 + 0.3 × 0.75)
        Assert.Equal("accepted 3 of 4 offered leads (75%), median response 1h against a 4h timeout", c.Detail);
    }

    [Fact]
    public void A_partner_offered_leads_that_never_answered_gets_no_speed_credit()
    {
        var c = Component(Known() with { LeadsOffered = 3, LeadsAccepted = 0, MedianResponseSeconds = null }, HealthComponents.LeadResponsiveness);

        Assert.Equal(0m, c.Score);
        Assert.Contains("never answered", c.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Win_rate_is_won_over_closed_deals()
    {
        var c = Component(Known() with { WonDeals = 4, LostDeals = 6 }, HealthComponents.WinRate);

        Assert.Equal(40m, c.Score);
        Assert.Equal("won 4 of 10 closed deals (40%)", c.Detail);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 60)]
    [InlineData(2, 80)]
    [InlineData(3, 100)]
    [InlineData(7, 100)]
    public void Certifications_step_up_to_full_marks_at_three(int certifications, decimal expected)
    {
        Assert.Equal(expected, Component(Known() with { CertificationsInForce = certifications }, HealthComponents.Certifications).Score);
    }

    [Fact]
    public void Customer_retention_is_the_share_of_customers_kept()
    {
        var c = Component(Known() with { CustomersTotal = 20, CustomersChurned = 1 }, HealthComponents.CustomerRetention);

        Assert.Equal(95m, c.Score);
        Assert.Equal("kept 19 of 20 customers (95%)", c.Detail);
    }

    [Fact]
    public void Satisfaction_is_ten_times_the_mean_of_the_last_ten_survey_scores()
    {
        int[] old = [0, 0, 0];
        int[] recent = [8, 9, 7, 10, 8, 9, 6, 8, 9, 8];

        var c = Component(Known() with { SurveyScores = [.. old, .. recent] }, HealthComponents.Satisfaction);

        Assert.Equal(82m, c.Score);
        Assert.Equal("mean survey score 8.2 of 10 over the last 10 responses", c.Detail);
    }

    [Fact]
    public void A_partner_with_no_data_gets_the_neutral_value_with_a_detail_that_says_so()
    {
        var health = Compute(new HealthInputs { Now = Now });

        string[] neutral = [HealthComponents.Engagement, HealthComponents.LeadResponsiveness, HealthComponents.WinRate, HealthComponents.CustomerRetention, HealthComponents.Satisfaction];
        Assert.All(health.Components.Where(c => neutral.Contains(c.Name)), c =>
        {
            Assert.Equal(HealthScore.Neutral, c.Score);
            Assert.Contains("neutral", c.Detail, StringComparison.Ordinal);
        });

        // No certification is a figure, not a gap: 85 × 50 / 100 = 42.5 → 43.
        Assert.Equal(0m, health.Components.Single(c => c.Name == HealthComponents.Certifications).Score);
        Assert.Equal(43, health.Score);
    }

    [Fact]
    public void A_perfect_partner_scores_100_and_a_lapsed_one_0()
    {
        var perfect = Known() with
        {
            LastActivityAt = Now, LeadsAccepted = 4, MedianResponseSeconds = 0, WonDeals = 5, LostDeals = 0,
            CertificationsInForce = 3, CustomersChurned = 0, SurveyScores = [10],
        };
        var lapsed = Known() with
        {
            LastActivityAt = Now.AddDays(-90), LeadsAccepted = 0, MedianResponseSeconds = null, WonDeals = 0, LostDeals = 5,
            CertificationsInForce = 0, CustomersChurned = 10, SurveyScores = [0],
        };

        Assert.Equal(100, Compute(perfect).Score);
        Assert.Equal(0, Compute(lapsed).Score);
    }

    [Fact]
    public void A_component_weighted_zero_does_not_move_the_score()
    {
        var weights = new Dictionary<string, decimal>(Settings.Weights) { [HealthComponents.Satisfaction] = 0, [HealthComponents.Engagement] = 35 };
        var settings = Settings with { Weights = weights };

        var low = HealthScore.Compute(Known() with { SurveyScores = [0] }, settings, Timeout);
        var high = HealthScore.Compute(Known() with { SurveyScores = [10] }, settings, Timeout);

        Assert.Equal(low.Score, high.Score);
    }

    [Fact]
    public void The_breakdown_of_an_example_adds_up_to_the_score()
    {
        var health = Compute(Known());

        Assert.Equal(health.Score, (int)Math.Round(health.Components.Sum(c => c.Score * c.Weight / 100), MidpointRounding.AwayFromZero));
    }

    [Fact]
    public void Health_is_deterministic()
    {
        Assert.Equal(Compute(Known()), Compute(Known() with { SurveyScores = [5, 6, 7] }));
    }
}
