using Ecosystem.Domain.Scoring;
using static Ecosystem.Domain.Integrations.IntegrationText;

namespace Ecosystem.Domain.Integrations;

/// <summary>An integration's installs: those in force (<see cref="Active"/>) and all ever made (<see cref="Total"/>; a reinstall counts again).</summary>
[GenerateSerializer, Immutable, Alias("eco.InstallCounts")]
public sealed record InstallCounts(
    [property: Id(0)] long Active,
    [property: Id(1)] long Total)
{
    public static InstallCounts None { get; } = new(0, 0);

    /// <summary>Installs that were ended by an uninstall: every install is either active or was uninstalled once.</summary>
    public long Uninstalled => Math.Max(0, Total - Active);
}

/// <summary>
/// One component of an integration's quality: its <see cref="Score"/> 0-100 (1 decimal), its <see cref="Weight"/> in
/// the total (the weights sum to 100) and a one-line <see cref="Detail"/> with the figure behind it.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.QualityComponent")]
public sealed record QualityComponent(
    [property: Id(0)] string Name,
    [property: Id(1)] decimal Score,
    [property: Id(2)] decimal Weight,
    [property: Id(3)] string Detail)
{
    /// <summary>What this component adds to the total: Score × Weight / 100.</summary>
    public decimal Contribution => Score * Weight / 100;
}

/// <summary>An integration's quality: <see cref="Score"/> 0-100 and its breakdown, in <see cref="QualityComponents.All"/> order.</summary>
[GenerateSerializer, Immutable, Alias("eco.IntegrationQuality")]
public sealed record IntegrationQuality(
    [property: Id(0)] int Score,
    [property: Id(1)] IReadOnlyList<QualityComponent> Components)
{
    public bool Equals(IntegrationQuality? other) =>
        other is not null && Score == other.Score && Components.SequenceEqual(other.Components);

    public override int GetHashCode() => HashCode.Combine(Score, Components.Count);
}

/// <summary>
/// An integration's quality, 0-100, from five components each scored 0-100 and weighted by the program's
/// <c>integrations.qualityWeights</c> (which sum to 100; defaults 30/20/25/10/15):
/// <list type="bullet">
/// <item><c>validationPassRate</c>: 100 × Σ passed / Σ (passed + failed) over the latest run of every suite reported.</item>
/// <item><c>latency</c>: p = the worst p95 of the latest runs, L = <c>maxP95LatencyMs</c>:
/// 100 × clamp(1 − p / (2L), 0, 1): 100 at 0 ms, 50 at the limit, 0 at twice the limit or more.</item>
/// <item><c>errorRate</c>: r = Σ errors / Σ calls over the program's window, T = <c>errorRateThreshold</c>:
/// 100 × clamp(1 − r / (2T), 0, 1): 100 with no error, 50 at the threshold, 0 at twice the threshold or more
/// (with T = 0: 100 when r = 0, else 0).</item>
/// <item><c>uninstallRate</c>: 100 × (1 − uninstalled / total installs), uninstalled = total − active.</item>
/// <item><c>freshness</c>: d = days since the newest validation run of any suite (a run stamped in the future counts as
/// now), F = <c>validationFreshDays</c>, S = <c>staleAfterDays</c>: 100 while d ≤ F, then 100 × (S − d) / (S − F),
/// 0 from d ≥ S on. It depends on <c>now</c> alone, so quality falls with time when nothing new is validated.
/// Never validated: 0, a figure rather than missing data.</item>
/// </list>
/// <para>A component with no data yet (no run or no test for the pass rate and latency, no call in the window for the
/// error rate, no install for the uninstall rate) scores the neutral <see cref="Neutral"/> = 50 and says so.</para>
/// <para>Each component score is rounded to 1 decimal, and the total is computed from those rounded scores:
/// Score = round(Σ componentScore × weight / 100) (half away from zero), so the breakdown always adds up to the score.
/// Weights that do not sum to 100 (which validation forbids) are scaled to do so; a missing or negative weight counts as 0.</para>
/// </summary>
public static class QualityScore
{
    /// <summary>The score of a component with no data.</summary>
    public const decimal Neutral = 50m;

    /// <summary>The name of the component that a technology partner's quality gives its health (see <see cref="PartnerFigure"/>).</summary>
    public const string PartnerHealthComponent = "integrationQuality";

    public static IntegrationQuality Compute(IntegrationEvidence evidence, InstallCounts installs, IntegrationSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(installs);
        ArgumentNullException.ThrowIfNull(settings);

        var (total, parts) = WeightedScore.Combine(QualityComponents.All, settings.QualityWeights, name => name switch
        {
            QualityComponents.ValidationPassRate => PassRate(evidence),
            QualityComponents.Latency => Latency(evidence, settings.MaxP95LatencyMs),
            QualityComponents.ErrorRate => Errors(evidence.ErrorRate(now, settings.ErrorWindow()), settings),
            QualityComponents.UninstallRate => Uninstalls(installs),
            QualityComponents.Freshness => Freshness(evidence, settings, now),
            _ => throw new InvalidOperationException($"No formula for quality component {name}."),
        });
        return new IntegrationQuality(total, [.. parts.Select(p => new QualityComponent(p.Name, p.Score, p.Weight, p.Detail))]);
    }

    /// <summary>
    /// A technology partner's integration quality, for its health: the mean quality score of its integrations that are
    /// certified or suspended (drafts are work in progress and do not count), rounded to 1 decimal; neutral 50 when it
    /// has none. Returned as (score, detail) for a health component named <see cref="PartnerHealthComponent"/>.
    /// </summary>
    public static (decimal Score, string Detail) PartnerFigure(IEnumerable<(string IntegrationId, string Status, int Quality)> integrations)
    {
        ArgumentNullException.ThrowIfNull(integrations);
        var live = integrations.Where(i => i.Status is CertificationStatuses.Certified or CertificationStatuses.Suspended).ToList();
        if (live.Count == 0)
        {
            return (Neutral, "no certified integration yet: neutral 50");
        }

        var mean = Round1((decimal)live.Sum(i => Math.Clamp(i.Quality, 0, 100)) / live.Count);
        var what = live.Count == 1 ? Inv($"integration {live[0].IntegrationId}") : Inv($"{live.Count} integrations");
        return (mean, Inv($"mean quality {mean:0.#} of {what}"));
    }

    private static (decimal Score, string Detail) PassRate(IntegrationEvidence evidence)
    {
        long passed = 0, tests = 0;
        foreach (var run in evidence.LatestRuns.Values)
        {
            passed += Math.Max(0, run.Passed);
            tests += run.Tests;
        }

        if (tests == 0)
        {
            return (Neutral, "no validation tests reported yet: neutral 50");
        }

        var rate = (decimal)passed / tests;
        var suites = Count(evidence.LatestRuns.Count, "suite", "suites");
        return (100 * rate, Inv($"passed {passed} of {tests} tests in the latest runs of {suites} ({Percent0(rate)})"));
    }

    private static (decimal Score, string Detail) Latency(IntegrationEvidence evidence, decimal limit)
    {
        if (evidence.SlowestLatestRun is not { } run)
        {
            return (Neutral, "no latency measured yet: neutral 50");
        }

        var p = Math.Max(0, run.P95LatencyMs);
        var score = limit <= 0 ? 0 : 100 * Math.Clamp(1 - (p / (2 * limit)), 0, 1);
        return (score, Inv($"p95 {Number(p)} ms against a {Number(limit)} ms limit"));
    }

    private static (decimal Score, string Detail) Errors(ErrorRateFigure figure, IntegrationSettings settings)
    {
        var window = Inv($"{Number(settings.ErrorWindowHours)} h");
        if (figure.Rate is not { } rate)
        {
            return (Neutral, Inv($"no calls reported in the last {window}: neutral 50"));
        }

        var t = settings.ErrorRateThreshold;
        var score = t <= 0 ? (rate == 0 ? 100 : 0) : 100 * Math.Clamp(1 - (rate / (2 * t)), 0, 1);
        return (score, Inv($"error rate {Percent1(rate)} over {window} ({Count(figure.Errors, "error", "errors")} in {Count(figure.Calls, "call", "calls")}) against a {Percent1(t)} threshold"));
    }

    private static (decimal Score, string Detail) Uninstalls(InstallCounts installs)
    {
        if (installs.Total <= 0)
        {
            return (Neutral, "no installs yet: neutral 50");
        }

        var uninstalled = Math.Min(installs.Uninstalled, installs.Total);
        var rate = (decimal)uninstalled / installs.Total;
        return (100 * (1 - rate), Inv($"{uninstalled} of {Count(installs.Total, "install", "installs")} uninstalled ({Percent0(rate)})"));
    }

    private static (decimal Score, string Detail) Freshness(IntegrationEvidence evidence, IntegrationSettings settings, DateTimeOffset now)
    {
        if (evidence.LastValidatedAt is not { } last)
        {
            return (0, "never validated");
        }

        var days = Math.Max(0, Days(now - last));
        var fresh = settings.ValidationFreshDays;
        var stale = settings.StaleAfterDays;
        var score = days <= fresh ? 100
            : days >= stale || stale <= fresh ? 0
            : 100 * (stale - days) / (stale - fresh);
        var whole = (long)decimal.Floor(days);
        var age = whole switch
        {
            0 => "last validation today",
            1 => "last validation 1 day ago",
            _ => Inv($"last validation {whole} days ago"),
        };
        return (score, Inv($"{age} (fresh for {Number(fresh)} days, stale at {Number(stale)})"));
    }
}
