using Ecosystem.Domain.Partners;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Tests.Partners;

public class AtRiskTests
{
    private static readonly DateTimeOffset Now = new(2025, 4, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly int Threshold = ProgramSettings.Default.Health.AtRiskThreshold;

    [Fact]
    public void A_steady_healthy_partner_is_not_at_risk()
    {
        var (atRisk, reason) = AtRisk.Evaluate(70, [new(Now.AddDays(-3), 72), new(Now.AddDays(-1), 71)], Threshold, Now);

        Assert.False(atRisk);
        Assert.Null(reason);
    }

    [Fact]
    public void Health_below_the_threshold_is_at_risk()
    {
        var (atRisk, reason) = AtRisk.Evaluate(Threshold - 1, [], Threshold, Now);

        Assert.True(atRisk);
        Assert.Equal("health 39 is below the at-risk threshold 40", reason);
        Assert.False(AtRisk.Evaluate(Threshold, [], Threshold, Now).AtRisk);
    }

    [Fact]
    public void Falling_15_points_from_the_highest_score_of_the_last_7_days_is_at_risk()
    {
        HealthPoint[] history = [new(Now.AddDays(-6), 80), new(Now.AddDays(-4), 90), new(Now.AddDays(-1), 78)];

        var (atRisk, reason) = AtRisk.Evaluate(75, history, Threshold, Now);

        Assert.True(atRisk);
        Assert.Equal("health fell 15 points in 7 days (from 90 on 2025-04-06 to 75)", reason);
        Assert.False(AtRisk.Evaluate(76, history, Threshold, Now).AtRisk);
    }

    [Fact]
    public void A_fall_from_a_peak_older_than_7_days_does_not_count()
    {
        HealthPoint[] history = [new(Now.AddDays(-7).AddMinutes(-1), 95), new(Now.AddDays(-2), 70)];

        Assert.False(AtRisk.Evaluate(60, history, Threshold, Now).AtRisk);
        Assert.True(AtRisk.Evaluate(60, [.. history, new(Now.AddDays(-7), 75)], Threshold, Now).AtRisk);
    }

    [Fact]
    public void Points_after_now_do_not_count()
    {
        Assert.False(AtRisk.Evaluate(60, [new(Now.AddMinutes(1), 99)], Threshold, Now).AtRisk);
    }

    [Fact]
    public void When_both_rules_hold_the_reason_names_both()
    {
        var (atRisk, reason) = AtRisk.Evaluate(30, [new(Now.AddDays(-2), 60)], Threshold, Now);

        Assert.True(atRisk);
        Assert.Equal("health 30 is below the at-risk threshold 40; health fell 30 points in 7 days (from 60 on 2025-04-08 to 30)", reason);
    }
}
