namespace Ecosystem.Domain.Scoring;

/// <summary>One scored part of an explained score: 0-100 (1 decimal), its weight in the total, and the figure behind it.</summary>
public readonly record struct ScoredPart(string Name, decimal Score, decimal Weight, string Detail);

/// <summary>
/// The arithmetic shared by every explained score (partner health, integration quality): each named part is scored
/// 0-100 by its formula and rounded to 1 decimal; weights missing or negative count 0, and weights that do not sum to
/// 100 are scaled to do so; the total is round(Σ score × weight / 100), half away from zero, from the rounded part
/// scores, so a breakdown always adds up to its total.
/// </summary>
public static class WeightedScore
{
    public static (int Total, IReadOnlyList<ScoredPart> Parts) Combine(
        IReadOnlyList<string> names,
        IReadOnlyDictionary<string, decimal>? weights,
        Func<string, (decimal Score, string Detail)> formula)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(formula);
        var raw = names.ToDictionary(
            n => n,
            n => weights is not null && weights.TryGetValue(n, out var w) && w > 0 ? w : 0m,
            StringComparer.Ordinal);
        var sum = raw.Values.Sum();

        var parts = new List<ScoredPart>(names.Count);
        foreach (var name in names)
        {
            var (score, detail) = formula(name);
            var weight = sum is 0 or 100 ? raw[name] : raw[name] * 100 / sum;
            parts.Add(new ScoredPart(name, Round1(Math.Clamp(score, 0, 100)), weight, detail));
        }

        var total = (int)Math.Round(parts.Sum(p => p.Score * p.Weight / 100), 0, MidpointRounding.AwayFromZero);
        return (Math.Clamp(total, 0, 100), parts);
    }

    public static decimal Round1(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
