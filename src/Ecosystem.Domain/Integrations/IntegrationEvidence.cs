using Ecosystem.Domain.Events;

namespace Ecosystem.Domain.Integrations;

/// <summary>
/// One run of a test suite, from <c>integration.validation_reported</c>: its tests passed and failed, the p95 latency
/// it measured and the security findings it reported, at <see cref="At"/> (the event's <c>occurredAt</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.ValidationRun")]
public sealed record ValidationRun(
    [property: Id(0)] string Suite,
    [property: Id(1)] int Passed,
    [property: Id(2)] int Failed,
    [property: Id(3)] decimal P95LatencyMs,
    [property: Id(4)] IReadOnlyList<SecurityFinding> SecurityFindings,
    [property: Id(5)] DateTimeOffset At)
{
    /// <summary>Passed + failed (negative counts count as 0).</summary>
    public int Tests => Math.Max(0, Passed) + Math.Max(0, Failed);

    /// <summary>A run passes when it ran at least one test and none failed.</summary>
    public bool Succeeded => Failed <= 0 && Passed > 0;

    public bool Equals(ValidationRun? other) =>
        other is not null
        && string.Equals(Suite, other.Suite, StringComparison.Ordinal)
        && Passed == other.Passed
        && Failed == other.Failed
        && P95LatencyMs == other.P95LatencyMs
        && SecurityFindings.SequenceEqual(other.SecurityFindings)
        && At == other.At;

    public override int GetHashCode() => HashCode.Combine(Suite, Passed, Failed, P95LatencyMs, At);
}

/// <summary>One <c>integration.error_reported</c>: <see cref="Errors"/> out of <see cref="Calls"/> calls, reported at <see cref="At"/>.</summary>
[GenerateSerializer, Immutable, Alias("eco.ErrorReport")]
public sealed record ErrorReport(
    [property: Id(0)] long Errors,
    [property: Id(1)] long Calls,
    [property: Id(2)] DateTimeOffset At);

/// <summary>The errors and calls reported within a window, and their ratio (null when no call was reported).</summary>
[GenerateSerializer, Immutable, Alias("eco.ErrorRateFigure")]
public sealed record ErrorRateFigure(
    [property: Id(0)] long Errors,
    [property: Id(1)] long Calls,
    [property: Id(2)] decimal? Rate);

/// <summary>A high-severity finding and the suite whose latest run reported it.</summary>
[GenerateSerializer, Immutable, Alias("eco.OpenFinding")]
public sealed record OpenFinding(
    [property: Id(0)] string Suite,
    [property: Id(1)] SecurityFinding Finding);

/// <summary>
/// What is known about an integration's health, as a value the integration's grain keeps and folds its events into.
/// Immutable: every fold returns a new evidence.
/// <para><b>Latest run of a suite.</b> Suites are keyed by their name trimmed and lower-cased (so "Security" and
/// "security" are one suite). For each suite only one run is kept: the one with the greatest <c>At</c>; a run with the
/// same <c>At</c> as the kept one replaces it (the later applied wins), and a run older than the kept one is ignored,
/// so events that arrive out of order still leave the newest run in place.</para>
/// <para><b>Open security findings</b> are the findings of the latest run of every suite: a later run of the same
/// suite that no longer reports a finding closes it.</para>
/// <para><b>p95 latency</b> is the worst (highest) p95 among the latest runs of every suite; null with no run.</para>
/// <para><b>Last validated</b> is the <c>At</c> of the newest run of any suite.</para>
/// <para><b>Error rate over the window</b> W as of <c>now</c>: Σ errors / Σ calls over the error reports whose time
/// t satisfies now − W &lt; t (a report exactly W old has left the window; reports stamped in the future, which the
/// contract allows up to 5 minutes ahead, count). Null when those reports hold no call. Reports that have left the
/// window are dropped by <see cref="Pruned"/> (and by <see cref="WithErrorReport"/>), so the state holds only the
/// reports of the last window. Pruning uses the window in force: widening it later cannot bring back what was dropped.</para>
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.IntegrationEvidence")]
public sealed record IntegrationEvidence
{
    /// <summary>The latest run of each suite, keyed by <see cref="SuiteKey"/>.</summary>
    [Id(0)] public IReadOnlyDictionary<string, ValidationRun> LatestRuns { get; init; } = new Dictionary<string, ValidationRun>(StringComparer.Ordinal);

    /// <summary>The error reports still inside the window at the last fold, oldest first.</summary>
    [Id(1)] public IReadOnlyList<ErrorReport> ErrorReports { get; init; } = [];

    public static IntegrationEvidence Empty { get; } = new();

    /// <summary>How suite names are compared: trimmed, lower-cased.</summary>
    public static string SuiteKey(string suite) => (suite ?? "").Trim().ToLowerInvariant();

    public ValidationRun? LatestRun(string suite) => LatestRuns.GetValueOrDefault(SuiteKey(suite));

    /// <summary>The newest run of any suite; null when none was reported.</summary>
    public DateTimeOffset? LastValidatedAt => LatestRuns.Count == 0 ? null : LatestRuns.Values.Max(r => r.At);

    /// <summary>The latest run with the worst p95 latency (ties: the suite key in ordinal order); null when none was reported.</summary>
    public ValidationRun? SlowestLatestRun => LatestRuns
        .OrderByDescending(kv => kv.Value.P95LatencyMs)
        .ThenBy(kv => kv.Key, StringComparer.Ordinal)
        .Select(kv => kv.Value)
        .FirstOrDefault();

    /// <summary>The high-severity findings of the latest runs, by suite key then in reported order.</summary>
    public IReadOnlyList<OpenFinding> OpenHighSeverityFindings => LatestRuns
        .OrderBy(kv => kv.Key, StringComparer.Ordinal)
        .SelectMany(kv => (kv.Value.SecurityFindings ?? [])
            .Where(f => string.Equals(f.Severity, SecuritySeverities.High, StringComparison.OrdinalIgnoreCase))
            .Select(f => new OpenFinding(kv.Value.Suite, f)))
        .ToList();

    /// <summary>
    /// Folds in an accepted event: <c>integration.validation_reported</c> and <c>integration.error_reported</c> change the
    /// evidence (the event's <c>occurredAt</c> is the run's or report's time); any other event only prunes the window.
    /// To replay deterministically, pass as <paramref name="now"/> a time the log holds (the event's own time, say).
    /// </summary>
    public IntegrationEvidence Apply(ActivityEvent e, DateTimeOffset now, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Type switch
        {
            EventTypes.IntegrationValidationReported => WithValidation(new ValidationRun(
                e.Suite ?? "", e.Passed ?? 0, e.Failed ?? 0, e.P95LatencyMs ?? 0, e.SecurityFindings ?? [], e.OccurredAt)).Pruned(now, window),
            EventTypes.IntegrationErrorReported => WithErrorReport(new ErrorReport(e.Errors ?? 0, e.Calls ?? 0, e.OccurredAt), now, window),
            _ => Pruned(now, window),
        };
    }

    /// <summary>Folds in a validation run (see the class summary for which run is kept).</summary>
    public IntegrationEvidence WithValidation(ValidationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var key = SuiteKey(run.Suite);
        if (LatestRuns.TryGetValue(key, out var kept) && run.At < kept.At)
        {
            return this;
        }

        var runs = new Dictionary<string, ValidationRun>(LatestRuns, StringComparer.Ordinal)
        {
            [key] = run with { SecurityFindings = run.SecurityFindings ?? [] },
        };
        return this with { LatestRuns = runs };
    }

    /// <summary>Folds in an error report and drops the reports that have left the window as of <paramref name="now"/>.</summary>
    public IntegrationEvidence WithErrorReport(ErrorReport report, DateTimeOffset now, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(report);
        var from = now - window;
        var kept = new List<ErrorReport>(ErrorReports.Count + 1);
        kept.AddRange(ErrorReports.Where(r => r.At > from));
        if (report.At > from)
        {
            // Keep the list ordered by time; equal times keep arrival order.
            var at = kept.FindLastIndex(r => r.At <= report.At) + 1;
            kept.Insert(at, report);
        }

        return this with { ErrorReports = kept };
    }

    /// <summary>The evidence without the error reports that have left the window as of <paramref name="now"/>; itself when none has.</summary>
    public IntegrationEvidence Pruned(DateTimeOffset now, TimeSpan window)
    {
        var from = now - window;
        return ErrorReports.Any(r => r.At <= from) ? this with { ErrorReports = ErrorReports.Where(r => r.At > from).ToList() } : this;
    }

    /// <summary>Σ errors / Σ calls of the reports inside the window (see the class summary).</summary>
    public ErrorRateFigure ErrorRate(DateTimeOffset now, TimeSpan window)
    {
        var from = now - window;
        long errors = 0, calls = 0;
        foreach (var r in ErrorReports)
        {
            if (r.At > from)
            {
                errors += Math.Max(0, r.Errors);
                calls += Math.Max(0, r.Calls);
            }
        }

        return new ErrorRateFigure(errors, calls, calls == 0 ? null : (decimal)Math.Min(errors, calls) / calls);
    }

    /// <summary>
    /// When the oldest report still in the window leaves it: the next moment the error rate can change with no new
    /// event, so the grain knows when to evaluate again. Null when no report is in the window.
    /// </summary>
    public DateTimeOffset? NextErrorReportExpiry(DateTimeOffset now, TimeSpan window)
    {
        var from = now - window;
        var oldest = ErrorReports.Where(r => r.At > from).Select(r => (DateTimeOffset?)r.At).Min();
        return oldest + window;
    }

    public bool Equals(IntegrationEvidence? other) =>
        other is not null
        && LatestRuns.Count == other.LatestRuns.Count
        && LatestRuns.All(kv => other.LatestRuns.TryGetValue(kv.Key, out var run) && kv.Value.Equals(run))
        && ErrorReports.SequenceEqual(other.ErrorReports);

    public override int GetHashCode() => HashCode.Combine(LatestRuns.Count, ErrorReports.Count);
}

public static class SecuritySeverities
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
}
