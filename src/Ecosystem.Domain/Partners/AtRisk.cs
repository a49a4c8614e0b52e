using System.Globalization;

namespace Ecosystem.Domain.Partners;

/// <summary>A health score as it was at <see cref="At"/>.</summary>
[GenerateSerializer, Immutable, Alias("eco.HealthPoint")]
public sealed record HealthPoint(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int Score);

[GenerateSerializer, Immutable, Alias("eco.RiskAssessment")]
public sealed record RiskAssessment(
    [property: Id(0)] bool AtRisk,
    [property: Id(1)] string? Reason);

/// <summary>
/// A partner is at risk when its health is below the program's <c>health.atRiskThreshold</c>, or when it has fallen
/// <see cref="DropPoints"/> (15) points or more from its highest score within the last <see cref="DropWindowDays"/> (7)
/// days: max(scores at times in [now − 7 days, now]) − current ≥ 15. Points outside the window, or after now, do not
/// count. When both rules hold the reason names both, separated by "; ".
/// </summary>
public static class AtRisk
{
    public const int DropPoints = 15;
    public const int DropWindowDays = 7;

    /// <summary>Points older than this can be dropped from a partner's history: they never matter again.</summary>
    public static readonly TimeSpan HistoryToKeep = TimeSpan.FromDays(DropWindowDays);

    public static RiskAssessment Evaluate(int currentScore, IEnumerable<HealthPoint> history, int threshold, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(history);
        var reasons = new List<string>(2);
        if (currentScore < threshold)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"health {currentScore} is below the at-risk threshold {threshold}"));
        }

        var from = now - HistoryToKeep;
        var peak = history
            .Where(p => p.At >= from && p.At <= now)
            .OrderByDescending(p => p.Score)
            .ThenByDescending(p => p.At)
            .FirstOrDefault();
        if (peak is not null && peak.Score - currentScore >= DropPoints)
        {
            reasons.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"health fell {peak.Score - currentScore} points in {DropWindowDays} days (from {peak.Score} on {peak.At.UtcDateTime:yyyy-MM-dd} to {currentScore})"));
        }

        return reasons.Count == 0 ? new RiskAssessment(false, null) : new RiskAssessment(true, string.Join("; ", reasons));
    }
}
