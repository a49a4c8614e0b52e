using Ecosystem.Domain.Integrations;

namespace Ecosystem.Domain.Tests.Integrations;

public class QualityScoreTests
{
    private static readonly DateTimeOffset ValidatedAt = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly IntegrationSettings Settings = IntegrationSettings.Default;

    /// <summary>46 of 50 tests passed, worst p95 300 ms, both runs at <see cref="ValidatedAt"/>; no error report.</summary>
    private static IntegrationEvidence Runs() => IntegrationEvidence.Empty
        .WithValidation(new ValidationRun("functional", 36, 4, 300, [], ValidatedAt))
        .WithValidation(new ValidationRun("security", 10, 0, 100, [], ValidatedAt.AddHours(-1)));

    private static readonly InstallCounts EightOfTen = new(8, 10);

    private static IntegrationQuality Compute(IntegrationEvidence evidence, DateTimeOffset now, InstallCounts? installs = null) =>
        QualityScore.Compute(evidence, installs ?? EightOfTen, Settings, now);

    private static decimal Score(IntegrationQuality quality, string component) => quality.Components.Single(c => c.Name == component).Score;

    [Fact]
    public void A_worked_example_with_every_figure_known()
    {
        // 45 days after the last validation, with 20 errors in 1000 calls an hour ago.
        var now = ValidatedAt.AddDays(45);
        var evidence = Runs().WithErrorReport(new ErrorReport(20, 1000, now.AddHours(-1)), now, Settings.ErrorWindow());

        var quality = Compute(evidence, now);

        // passRate 46/50 = 92; latency 100 × (1 − 300/2000) = 85; errors 100 × (1 − 0.02/0.10) = 80;
        // uninstalls 100 × (1 − 2/10) = 80; freshness 100 × (90 − 45)/(90 − 30) = 75.
        // 0.30 × 92 + 0.20 × 85 + 0.25 × 80 + 0.10 × 80 + 0.15 × 75 = 27.6 + 17 + 20 + 8 + 11.25 = 83.85 → 84.
        Assert.Equal(
            [
                (QualityComponents.ValidationPassRate, 92.0m, 30m, "passed 46 of 50 tests in the latest runs of 2 suites (92%)"),
                (QualityComponents.Latency, 85.0m, 20m, "p95 300 ms against a 1000 ms limit"),
                (QualityComponents.ErrorRate, 80.0m, 25m, "error rate 2.0% over 24 h (20 errors in 1000 calls) against a 5.0% threshold"),
                (QualityComponents.UninstallRate, 80.0m, 10m, "2 of 10 installs uninstalled (20%)"),
                (QualityComponents.Freshness, 75.0m, 15m, "last validation 45 days ago (fresh for 30 days, stale at 90)"),
            ],
            quality.Components.Select(c => (c.Name, c.Score, c.Weight, c.Detail)));
        Assert.Equal(83.85m, quality.Components.Sum(c => c.Contribution));
        Assert.Equal(84, quality.Score);
    }

    [Theory]
    [InlineData(0, 100, 80)]      // 27.6 + 17 + 12.5 + 8 + 15 = 80.1
    [InlineData(30, 100, 80)]
    [InlineData(45, 75, 76)]      // ... + 11.25 = 76.35
    [InlineData(60, 50, 73)]      // ... + 7.5 = 72.6
    [InlineData(90, 0, 65)]       // ... + 0 = 65.1
    [InlineData(400, 0, 65)]
    public void A_stale_validation_lowers_quality_as_time_passes_with_no_new_event(int daysLater, decimal freshness, int score)
    {
        var evidence = Runs();

        var quality = Compute(evidence, ValidatedAt.AddDays(daysLater));

        Assert.Equal(freshness, Score(quality, QualityComponents.Freshness));
        Assert.Equal(score, quality.Score);
        Assert.Equal(QualityScore.Neutral, Score(quality, QualityComponents.ErrorRate));
    }

    [Fact]
    public void Freshness_counts_from_the_newest_run_of_any_suite()
    {
        var evidence = Runs().WithValidation(new ValidationRun("load", 5, 0, 100, [], ValidatedAt.AddDays(40)));

        Assert.Equal(100m, Score(Compute(evidence, ValidatedAt.AddDays(60)), QualityComponents.Freshness));
    }

    [Fact]
    public void An_integration_never_validated_has_no_freshness_and_neutral_validation_figures()
    {
        var quality = Compute(IntegrationEvidence.Empty, ValidatedAt, InstallCounts.None);

        Assert.Equal(
            [
                (QualityComponents.ValidationPassRate, 50m, "no validation tests reported yet: neutral 50"),
                (QualityComponents.Latency, 50m, "no latency measured yet: neutral 50"),
                (QualityComponents.ErrorRate, 50m, "no calls reported in the last 24 h: neutral 50"),
                (QualityComponents.UninstallRate, 50m, "no installs yet: neutral 50"),
                (QualityComponents.Freshness, 0m, "never validated"),
            ],
            quality.Components.Select(c => (c.Name, c.Score, c.Detail)));
        Assert.Equal(43, quality.Score); // 15 + 10 + 12.5 + 5 + 0 = 42.5 → 43 (half away from zero)
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(500, 75)]
    [InlineData(1000, 50)]
    [InlineData(2000, 0)]
    [InlineData(5000, 0)]
    public void Latency_is_100_at_zero_50_at_the_limit_and_0_at_twice_the_limit(int p95, decimal expected)
    {
        var evidence = IntegrationEvidence.Empty.WithValidation(new ValidationRun("functional", 1, 0, p95, [], ValidatedAt));

        Assert.Equal(expected, Score(Compute(evidence, ValidatedAt), QualityComponents.Latency));
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(25, 75)]
    [InlineData(50, 50)]
    [InlineData(100, 0)]
    [InlineData(400, 0)]
    public void The_error_component_is_100_without_errors_50_at_the_threshold_and_0_at_twice_it(int errorsPerThousand, decimal expected)
    {
        var evidence = Runs().WithErrorReport(new ErrorReport(errorsPerThousand, 1000, ValidatedAt), ValidatedAt, Settings.ErrorWindow());

        Assert.Equal(expected, Score(Compute(evidence, ValidatedAt), QualityComponents.ErrorRate));
    }

    [Fact]
    public void With_a_zero_error_threshold_any_error_scores_zero()
    {
        var settings = Settings with { ErrorRateThreshold = 0 };
        var clean = Runs().WithErrorReport(new ErrorReport(0, 1000, ValidatedAt), ValidatedAt, settings.ErrorWindow());
        var one = Runs().WithErrorReport(new ErrorReport(1, 1000, ValidatedAt), ValidatedAt, settings.ErrorWindow());

        Assert.Equal(100m, QualityScore.Compute(clean, EightOfTen, settings, ValidatedAt).Components.Single(c => c.Name == QualityComponents.ErrorRate).Score);
        Assert.Equal(0m, QualityScore.Compute(one, EightOfTen, settings, ValidatedAt).Components.Single(c => c.Name == QualityComponents.ErrorRate).Score);
    }

    [Fact]
    public void Errors_that_left_the_window_no_longer_weigh_on_quality()
    {
        var evidence = Runs().WithErrorReport(new ErrorReport(100, 1000, ValidatedAt), ValidatedAt, Settings.ErrorWindow());

        Assert.Equal(0m, Score(Compute(evidence, ValidatedAt.AddHours(1)), QualityComponents.ErrorRate));
        Assert.Equal(QualityScore.Neutral, Score(Compute(evidence, ValidatedAt.AddHours(24)), QualityComponents.ErrorRate));
    }

    [Fact]
    public void Weights_that_do_not_sum_to_100_are_scaled_to_do_so()
    {
        var settings = Settings with
        {
            QualityWeights = new Dictionary<string, decimal>(StringComparer.Ordinal) { [QualityComponents.Latency] = 1, [QualityComponents.Freshness] = 3 },
        };

        var quality = QualityScore.Compute(Runs(), EightOfTen, settings, ValidatedAt.AddDays(60));

        Assert.Equal([0m, 25m, 0m, 0m, 75m], quality.Components.Select(c => c.Weight));
        Assert.Equal(59, quality.Score); // 0.25 × 85 + 0.75 × 50 = 58.75 → 59
    }

    [Fact]
    public void A_technology_partners_figure_is_the_mean_quality_of_its_live_integrations()
    {
        var figure = QualityScore.PartnerFigure(
        [
            ("crm-sync", CertificationStatuses.Certified, 84),
            ("billing-bridge", CertificationStatuses.Suspended, 61),
            ("wip", CertificationStatuses.Draft, 10),
        ]);

        Assert.Equal((72.5m, "mean quality 72.5 of 2 integrations"), figure);
        Assert.Equal((84m, "mean quality 84 of integration crm-sync"), QualityScore.PartnerFigure([("crm-sync", CertificationStatuses.Certified, 84)]));
        Assert.Equal(QualityScore.Neutral, QualityScore.PartnerFigure([("wip", CertificationStatuses.Draft, 10)]).Score);
    }
}
