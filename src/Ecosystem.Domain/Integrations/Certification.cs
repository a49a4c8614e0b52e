using static Ecosystem.Domain.Integrations.IntegrationText;

namespace Ecosystem.Domain.Integrations;

/// <summary>One certification criterion as evaluated: <see cref="Name"/>, whether it holds, and the figures behind it.</summary>
[GenerateSerializer, Immutable, Alias("eco.CertificationCheck")]
public sealed record CertificationCheck(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Passed,
    [property: Id(2)] string Detail);

/// <summary>
/// The outcome of an evaluation at <see cref="At"/>: the status before (<see cref="From"/>) and after
/// (<see cref="Status"/>), every criterion (<see cref="Checks"/>) and the <see cref="Reasons"/> for the status: all the
/// criteria when certified, the failing ones otherwise. When <see cref="Changed"/>, it is the entry to keep in the
/// integration's history.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.CertificationDecision")]
public sealed record CertificationDecision(
    [property: Id(0)] string From,
    [property: Id(1)] string Status,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] IReadOnlyList<string> Reasons,
    [property: Id(4)] IReadOnlyList<CertificationCheck> Checks)
{
    public bool Changed => !string.Equals(From, Status, StringComparison.Ordinal);

    public bool Equals(CertificationDecision? other) =>
        other is not null
        && string.Equals(From, other.From, StringComparison.Ordinal)
        && string.Equals(Status, other.Status, StringComparison.Ordinal)
        && At == other.At
        && Reasons.SequenceEqual(other.Reasons, StringComparer.Ordinal)
        && Checks.SequenceEqual(other.Checks);

    public override int GetHashCode() => HashCode.Combine(From, Status, At, Reasons.Count);
}

/// <summary>
/// Certification from evidence, with the program's <c>integrations</c> thresholds. The criteria, evaluated in this
/// order (see <see cref="IntegrationEvidence"/> for how each figure is derived):
/// <list type="number">
/// <item><c>suite.{name}</c>, one per required suite (program order): the latest run of the suite passed, i.e. ran at
/// least one test and none failed. A required suite with no run, or whose latest run ran no test, fails.</item>
/// <item><c>latency</c>: the worst p95 among the latest runs of every suite is at most <c>maxP95LatencyMs</c>. With no
/// run at all there is no latency figure, which fails.</item>
/// <item><c>security</c>: no high-severity finding is open (in the latest run of any suite).</item>
/// <item><c>errorRate</c>: Σ errors / Σ calls over the window (<c>errorWindowHours</c>) is at most
/// <c>errorRateThreshold</c>; "goes above" suspends, reaching it exactly does not. No call in the window passes.</item>
/// </list>
/// <para>Transitions: <c>draft</c> → <c>certified</c> when every criterion holds, else it stays <c>draft</c>;
/// <c>certified</c> → <c>suspended</c> as soon as any criterion fails (an error spike, a failed re-validation of a
/// required suite, an open high-severity finding, p95 over the limit; also a suite newly made required that has not
/// run); <c>suspended</c> → <c>certified</c> when every criterion holds again (the evidence clears, including by error
/// reports leaving the window as time passes), else it stays <c>suspended</c>. A suspended integration never goes back
/// to draft. The freshness of a validation lowers quality but does not, by itself, affect certification.</para>
/// </summary>
public static class Certification
{
    public const string LatencyCheck = "latency";
    public const string SecurityCheck = "security";
    public const string ErrorRateCheck = "errorRate";

    /// <summary>The name of the check of one required suite: "suite.functional".</summary>
    public static string SuiteCheck(string suite) => "suite." + IntegrationEvidence.SuiteKey(suite);

    /// <summary>How many open findings a reason names before it says "and n more".</summary>
    public const int FindingsNamed = 3;

    public static CertificationDecision Evaluate(IntegrationEvidence evidence, string currentStatus, IntegrationSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(settings);
        if (!CertificationStatuses.All.Contains(currentStatus))
        {
            throw new ArgumentOutOfRangeException(nameof(currentStatus), currentStatus, "Not a certification status.");
        }

        var checks = Checks(evidence, settings, now);
        var allPass = checks.All(c => c.Passed);
        var status = currentStatus switch
        {
            CertificationStatuses.Draft => allPass ? CertificationStatuses.Certified : CertificationStatuses.Draft,
            _ => allPass ? CertificationStatuses.Certified : CertificationStatuses.Suspended,
        };
        var reasons = checks.Where(c => allPass || !c.Passed).Select(c => c.Detail).ToList();
        return new CertificationDecision(currentStatus, status, now, reasons, checks);
    }

    /// <summary>Every criterion, in the order of the class summary.</summary>
    public static IReadOnlyList<CertificationCheck> Checks(IntegrationEvidence evidence, IntegrationSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(settings);
        var checks = new List<CertificationCheck>();

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var suite in settings.RequiredSuites ?? [])
        {
            if (string.IsNullOrWhiteSpace(suite) || !seen.Add(IntegrationEvidence.SuiteKey(suite)))
            {
                continue;
            }

            checks.Add(Suite(suite.Trim(), evidence.LatestRun(suite)));
        }

        checks.Add(Latency(evidence, settings.MaxP95LatencyMs));
        checks.Add(Security(evidence));
        checks.Add(Errors(evidence.ErrorRate(now, settings.ErrorWindow()), settings));
        return checks;
    }

    private static CertificationCheck Suite(string suite, ValidationRun? run)
    {
        var name = SuiteCheck(suite);
        if (run is null)
        {
            return new(name, false, Inv($"suite {suite}: no run reported"));
        }

        if (run.Tests == 0)
        {
            return new(name, false, Inv($"suite {suite}: latest run ran no tests"));
        }

        return run.Succeeded
            ? new(name, true, Inv($"suite {suite}: latest run passed {run.Passed} of {run.Tests}"))
            : new(name, false, Inv($"suite {suite}: latest run failed {Math.Max(0, run.Failed)} of {run.Tests}"));
    }

    private static CertificationCheck Latency(IntegrationEvidence evidence, decimal limit)
    {
        if (evidence.SlowestLatestRun is not { } run)
        {
            return new(LatencyCheck, false, "p95 latency not measured yet (no validation run)");
        }

        var suite = evidence.LatestRuns.Count > 1 ? Inv($" (suite {run.Suite})") : "";
        return run.P95LatencyMs <= limit
            ? new(LatencyCheck, true, Inv($"p95 latency {Number(run.P95LatencyMs)} ms{suite} within the {Number(limit)} ms limit"))
            : new(LatencyCheck, false, Inv($"p95 latency {Number(run.P95LatencyMs)} ms{suite} above the {Number(limit)} ms limit"));
    }

    private static CertificationCheck Security(IntegrationEvidence evidence)
    {
        var open = evidence.OpenHighSeverityFindings;
        if (open.Count == 0)
        {
            return new(SecurityCheck, true, "no open high-severity security finding");
        }

        var named = string.Join("; ", open.Take(FindingsNamed).Select(f => Inv($"{Clip(f.Finding.Title)} (suite {f.Suite})")));
        var more = open.Count > FindingsNamed ? Inv($"; and {open.Count - FindingsNamed} more") : "";
        return new(SecurityCheck, false, Inv($"{Count(open.Count, "open high-severity security finding", "open high-severity security findings")}: {named}{more}"));
    }

    private static CertificationCheck Errors(ErrorRateFigure figure, IntegrationSettings settings)
    {
        var window = Inv($"{Number(settings.ErrorWindowHours)} h");
        if (figure.Rate is not { } rate)
        {
            return new(ErrorRateCheck, true, Inv($"no calls reported in the last {window}"));
        }

        var counts = Inv($"({Count(figure.Errors, "error", "errors")} in {Count(figure.Calls, "call", "calls")})");
        return rate <= settings.ErrorRateThreshold
            ? new(ErrorRateCheck, true, Inv($"error rate {Percent1(rate)} over {window} within {Percent1(settings.ErrorRateThreshold)} {counts}"))
            : new(ErrorRateCheck, false, Inv($"error rate {Percent1(rate)} over {window} above {Percent1(settings.ErrorRateThreshold)} {counts}"));
    }
}
