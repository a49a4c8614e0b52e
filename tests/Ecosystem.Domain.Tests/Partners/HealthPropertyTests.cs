using CsCheck;
using Ecosystem.Domain.Partners;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Tests.Partners;

/// <summary>Properties of the health score that hold for any partner and any valid weights.</summary>
public class HealthPropertyTests
{
    private const long Iterations = 1_000;
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Gen<HealthInputs> Inputs =
        Gen.Select(
            Gen.Select(Gen.Bool, Gen.Int[-5 * 24 * 60, 120 * 24 * 60], (has, minutes) => has ? Now.AddMinutes(-minutes) : (DateTimeOffset?)null),
            Gen.Select(Gen.Int[0, 40], Gen.Int[0, 40], Gen.Select(Gen.Bool, Gen.Int[0, 30_000], (has, s) => has ? s / 7m : (decimal?)null)),
            Gen.Select(Gen.Int[0, 60], Gen.Int[0, 60], Gen.Int[0, 6]),
            Gen.Select(Gen.Int[0, 200], Gen.Int[0, 200]),
            Gen.Int[0, 10].Array[0, 15],
            (last, leads, deals, customers, surveys) => new HealthInputs
            {
                Now = Now,
                LastActivityAt = last,
                LeadsOffered = leads.Item1,
                LeadsAccepted = Math.Min(leads.Item1, leads.Item2),
                MedianResponseSeconds = leads.Item3,
                WonDeals = deals.Item1,
                LostDeals = deals.Item2,
                CertificationsInForce = deals.Item3,
                CustomersTotal = customers.Item1,
                CustomersChurned = Math.Min(customers.Item1, customers.Item2),
                SurveyScores = surveys,
            });

    /// <summary>Six non-negative weights summing to 100, sometimes fractional: cut points in [0, 100].</summary>
    private static readonly Gen<HealthSettings> Weights =
        Gen.Int[0, 1000].Array[HealthComponents.All.Count - 1].Select(cuts =>
        {
            var points = cuts.Select(c => c / 10m).Append(0m).Append(100m).Order().ToArray();
            var weights = HealthComponents.All.Select((name, i) => (name, w: points[i + 1] - points[i]))
                .ToDictionary(x => x.name, x => x.w, StringComparer.Ordinal);
            return new HealthSettings { Weights = weights };
        });

    private static readonly Gen<int> Timeouts = Gen.OneOf(Gen.Const(1), Gen.Const(4 * 3600), Gen.Int[1, 30 * 24 * 3600]);

    [Fact]
    public void Generated_weights_are_valid_program_weights()
    {
        Weights.Sample(settings => Assert.Equal(100m, settings.Weights.Values.Sum()), iter: 200);
    }

    [Fact]
    public void The_breakdown_always_adds_up_to_the_score()
    {
        Gen.Select(Inputs, Weights, Timeouts).Sample((inputs, settings, timeout) =>
        {
            var health = HealthScore.Compute(inputs, settings, timeout);

            var contributions = health.Components.Sum(c => c.Score * c.Weight / 100);
            Assert.Equal(health.Score, (int)Math.Round(contributions, 0, MidpointRounding.AwayFromZero));
            Assert.Equal(100m, health.Components.Sum(c => c.Weight));
        }, iter: Iterations);
    }

    [Fact]
    public void Every_score_is_within_0_to_100_with_one_line_details()
    {
        Gen.Select(Inputs, Weights, Timeouts).Sample((inputs, settings, timeout) =>
        {
            var health = HealthScore.Compute(inputs, settings, timeout);

            Assert.InRange(health.Score, 0, 100);
            Assert.Equal(HealthComponents.All, health.Components.Select(c => c.Name));
            Assert.All(health.Components, c =>
            {
                Assert.InRange(c.Score, 0m, 100m);
                Assert.Equal(c.Score, Math.Round(c.Score, 1));
                Assert.False(string.IsNullOrWhiteSpace(c.Detail));
                Assert.DoesNotContain('\n', c.Detail);
            });
        }, iter: Iterations);
    }

    [Fact]
    public void More_recent_activity_never_lowers_health()
    {
        Gen.Select(Inputs, Gen.Int[0, 90 * 24]).Sample((inputs, hours) =>
        {
            var settings = ProgramSettings.Default.Health;
            var older = inputs with { LastActivityAt = Now.AddHours(-hours - 24) };
            var newer = inputs with { LastActivityAt = Now.AddHours(-hours) };

            Assert.True(HealthScore.Compute(newer, settings, 3600).Score >= HealthScore.Compute(older, settings, 3600).Score);
        }, iter: Iterations);
    }
}
