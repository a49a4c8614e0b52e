using System.Globalization;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Partners;

/// <summary>The figures a tier is judged on: sourced revenue in the reporting currency, certifications in force, won deals, health 0-100.</summary>
[GenerateSerializer, Immutable, Alias("eco.TierStanding")]
public sealed record TierStanding(
    [property: Id(0)] decimal SourcedRevenue,
    [property: Id(1)] int CertificationsInForce,
    [property: Id(2)] int WonDeals,
    [property: Id(3)] int Health);

/// <summary>
/// The partner's tier after evaluation; <see cref="BelowSince"/> is when it first fell below that tier's thresholds
/// (null while it meets them); <see cref="NextTier"/> the tier above (null at the top) with what is
/// <see cref="MissingForNext"/>; <see cref="MissingToKeep"/> what it lacks for the tier it holds (empty unless in grace).
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.TierDecision")]
public sealed record TierDecision(
    [property: Id(0)] string Tier,
    [property: Id(1)] DateTimeOffset? BelowSince,
    [property: Id(2)] string? NextTier,
    [property: Id(3)] IReadOnlyList<string> MissingForNext,
    [property: Id(4)] IReadOnlyList<string> MissingToKeep)
{
    public bool Equals(TierDecision? other) =>
        other is not null
        && string.Equals(Tier, other.Tier, StringComparison.Ordinal)
        && BelowSince == other.BelowSince
        && string.Equals(NextTier, other.NextTier, StringComparison.Ordinal)
        && MissingForNext.SequenceEqual(other.MissingForNext, StringComparer.Ordinal)
        && MissingToKeep.SequenceEqual(other.MissingToKeep, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Tier, BelowSince, NextTier, MissingForNext.Count, MissingToKeep.Count);
}

/// <summary>
/// Tiers, lowest first as the program lists them. A partner <i>qualifies</i> for the highest tier whose thresholds it all
/// meets (sourced revenue ≥ minSourcedRevenue, certifications in force ≥ minCertifications, won deals ≥ minWonDeals,
/// health ≥ minHealth); the first tier is the floor, held even when its thresholds are not met.
/// <list type="bullet">
/// <item>A partner with no tier yet, or whose tier the program no longer has, takes its qualified tier.</item>
/// <item>Promotion is immediate: qualifying for a tier above the current one moves the partner there.</item>
/// <item>Demotion waits: when the qualified tier is below the current one, the partner keeps its tier and
/// <c>belowSince</c> is set to now (if not already set); once <c>tiers.demotionGraceDays</c> have passed since
/// <c>belowSince</c> it drops to the qualified tier (however many tiers down) and <c>belowSince</c> clears.
/// Meeting the current tier again before then clears <c>belowSince</c>; a later fall starts a new grace period.</item>
/// </list>
/// <para>Missing items, one line each, in the order revenue, certifications, won deals, health:
/// "sourced revenue 12,000 of 50,000", "1 more certification", "2 more won deals", "health 55 of 60".</para>
/// </summary>
public static class Tiers
{
    public static TierDecision Evaluate(
        string? currentTier,
        TierStanding standing,
        TierSettings settings,
        DateTimeOffset? belowSince,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(standing);
        ArgumentNullException.ThrowIfNull(settings);
        var levels = settings.Levels;
        if (levels is null || levels.Count == 0)
        {
            throw new ArgumentException("The program has no tiers.", nameof(settings));
        }

        var qualified = 0;
        for (var i = 1; i < levels.Count; i++)
        {
            if (Missing(levels[i], standing).Count == 0)
            {
                qualified = i;
            }
        }

        var current = -1;
        for (var i = 0; currentTier is not null && i < levels.Count; i++)
        {
            if (string.Equals(levels[i].Name, currentTier, StringComparison.Ordinal))
            {
                current = i;
                break;
            }
        }

        int held;
        DateTimeOffset? since = null;
        if (current < 0 || qualified >= current)
        {
            held = qualified;
        }
        else
        {
            var fellAt = belowSince ?? now;
            if (now - fellAt >= TimeSpan.FromDays(settings.DemotionGraceDays))
            {
                held = qualified;
            }
            else
            {
                held = current;
                since = fellAt;
            }
        }

        var next = held + 1 < levels.Count ? levels[held + 1] : null;
        return new TierDecision(
            levels[held].Name,
            since,
            next?.Name,
            next is null ? [] : Missing(next, standing),
            since is null ? [] : Missing(levels[held], standing));
    }

    /// <summary>What the standing lacks for a tier, one line per threshold not met.</summary>
    public static IReadOnlyList<string> Missing(TierLevel level, TierStanding standing)
    {
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(standing);
        var inv = CultureInfo.InvariantCulture;
        var missing = new List<string>(4);
        if (standing.SourcedRevenue < level.MinSourcedRevenue)
        {
            missing.Add(string.Create(inv, $"sourced revenue {standing.SourcedRevenue:#,##0.##} of {level.MinSourcedRevenue:#,##0.##}"));
        }

        if (standing.CertificationsInForce < level.MinCertifications)
        {
            var more = level.MinCertifications - standing.CertificationsInForce;
            missing.Add(string.Create(inv, $"{more} more certification{(more == 1 ? "" : "s")}"));
        }

        if (standing.WonDeals < level.MinWonDeals)
        {
            var more = level.MinWonDeals - standing.WonDeals;
            missing.Add(string.Create(inv, $"{more} more won deal{(more == 1 ? "" : "s")}"));
        }

        if (standing.Health < level.MinHealth)
        {
            missing.Add(string.Create(inv, $"health {standing.Health} of {level.MinHealth}"));
        }

        return missing;
    }
}
