using CsCheck;
using Ecosystem.Domain.Events;
using Ecosystem.Domain.Integrations;

namespace Ecosystem.Domain.Tests.Integrations;

/// <summary>Properties of quality and certification that hold for any evidence and any valid settings.</summary>
public class IntegrationPropertyTests
{
    private const long Iterations = 1_000;
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Suites = ["functional", "security", "load"];
    private static readonly string[] Severities = [SecuritySeverities.Low, SecuritySeverities.Medium, SecuritySeverities.High];

    private static readonly Gen<ValidationRun> Runs =
        Gen.Select(
            Gen.Int[0, Suites.Length - 1],
            Gen.Int[0, 60],
            Gen.OneOf(Gen.Const(0), Gen.Int[0, 10]),
            Gen.Int[0, 40_000],
            Gen.Int[-5 * 24 * 60, 200 * 24 * 60],
            Gen.Int[0, Severities.Length - 1].Array[0, 2],
            (suite, passed, failed, p95Tenths, minutesAgo, severities) => new ValidationRun(
                Suites[suite], passed, failed, p95Tenths / 10m,
                severities.Select((s, i) => new SecurityFinding(Severities[s], $"finding {i}")).ToList(),
                Now.AddMinutes(-minutesAgo)));

    private static readonly Gen<ErrorReport> Reports =
        Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.Int[-5, 48 * 60], (errors, extra, minutesAgo) =>
            new ErrorReport(errors, errors + extra, Now.AddMinutes(-minutesAgo)));

    private static readonly Gen<IntegrationEvidence> Evidence =
        Gen.Select(Runs.Array[0, 6], Reports.Array[0, 6], (runs, reports) =>
        {
            var evidence = IntegrationEvidence.Empty;
            foreach (var run in runs)
            {
                evidence = evidence.WithValidation(run);
            }

            return evidence with { ErrorReports = reports.OrderBy(r => r.At).ToList() };
        });

    private static readonly Gen<InstallCounts> Installs =
        Gen.Select(Gen.Int[0, 500], Gen.Int[0, 500], (active, uninstalled) => new InstallCounts(active, active + uninstalled));

    /// <summary>Five non-negative weights summing to 100, sometimes fractional, and varied thresholds.</summary>
    private static readonly Gen<IntegrationSettings> Settings =
        Gen.Select(
            Gen.Int[0, 1000].Array[QualityComponents.All.Count - 1],
            Gen.Int[1, 5000],
            Gen.Int[0, 100],
            Gen.Int[1, 72],
            Gen.Int[0, 60],
            Gen.Int[1, 120],
            (cuts, latency, thresholdPercent, hours, fresh, staleAfter) =>
            {
                var points = cuts.Select(c => c / 10m).Append(0m).Append(100m).Order().ToArray();
                var weights = QualityComponents.All.Select((name, i) => (name, w: points[i + 1] - points[i]))
                    .ToDictionary(x => x.name, x => x.w, StringComparer.Ordinal);
                return new IntegrationSettings
                {
                    QualityWeights = weights,
                    MaxP95LatencyMs = latency,
                    ErrorRateThreshold = thresholdPercent / 100m,
                    ErrorWindowHours = hours,
                    ValidationFreshDays = fresh,
                    StaleAfterDays = fresh + staleAfter,
                };
            });

    [Fact]
    public void Generated_settings_are_valid_program_settings()
    {
        Settings.Sample(settings => Assert.Empty(settings.Validate()), iter: 200);
    }

    [Fact]
    public void Quality_is_0_to_100_and_its_breakdown_adds_up_to_it()
    {
        Gen.Select(Evidence, Installs, Settings).Sample((evidence, installs, settings) =>
        {
            var quality = QualityScore.Compute(evidence, installs, settings, Now);

            Assert.InRange(quality.Score, 0, 100);
            Assert.Equal(QualityComponents.All, quality.Components.Select(c => c.Name));
            Assert.Equal(100m, quality.Components.Sum(c => c.Weight));
            Assert.Equal(quality.Score, (int)Math.Round(quality.Components.Sum(c => c.Contribution), 0, MidpointRounding.AwayFromZero));
            Assert.All(quality.Components, c =>
            {
                Assert.InRange(c.Score, 0m, 100m);
                Assert.Equal(c.Score, Math.Round(c.Score, 1));
                Assert.False(string.IsNullOrWhiteSpace(c.Detail));
            });
        }, iter: Iterations);
    }

    [Fact]
    public void Time_alone_never_raises_freshness()
    {
        Gen.Select(Evidence, Settings, Gen.Int[0, 400 * 24]).Sample((evidence, settings, hours) =>
        {
            decimal Freshness(DateTimeOffset at) =>
                QualityScore.Compute(evidence, InstallCounts.None, settings, at).Components.Single(c => c.Name == QualityComponents.Freshness).Score;

            Assert.True(Freshness(Now.AddHours(hours + 1)) <= Freshness(Now.AddHours(hours)));
        }, iter: Iterations);
    }

    [Fact]
    public void Certified_exactly_when_every_criterion_holds_and_never_back_to_draft()
    {
        Gen.Select(Evidence, Settings, Gen.Int[0, 2]).Sample((evidence, settings, s) =>
        {
            var current = CertificationStatuses.All[s];
            var decision = Certification.Evaluate(evidence, current, settings, Now);
            var allPass = decision.Checks.All(c => c.Passed);

            Assert.Equal(allPass, decision.Status == CertificationStatuses.Certified);
            Assert.NotEmpty(decision.Reasons);
            if (current != CertificationStatuses.Draft)
            {
                Assert.NotEqual(CertificationStatuses.Draft, decision.Status);
            }

            if (!allPass)
            {
                Assert.Equal(decision.Checks.Where(c => !c.Passed).Select(c => c.Detail), decision.Reasons);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void The_kept_run_of_a_suite_does_not_depend_on_arrival_order()
    {
        Runs.Array[1, 8].Sample(runs =>
        {
            // Runs at the same time of the same suite are resolved by arrival; keep times distinct per suite here.
            var distinct = runs.GroupBy(r => (r.Suite, r.At)).Select(g => g.First()).ToArray();
            var forward = distinct.Aggregate(IntegrationEvidence.Empty, (e, r) => e.WithValidation(r));
            var backward = distinct.Reverse().Aggregate(IntegrationEvidence.Empty, (e, r) => e.WithValidation(r));

            Assert.Equal(forward, backward);
        }, iter: Iterations);
    }
}
