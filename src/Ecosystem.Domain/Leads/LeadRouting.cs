using System.Globalization;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Leads;

/// <summary>Whether a partner may be offered a lead, and why (or why not), in one line.</summary>
[GenerateSerializer, Immutable, Alias("eco.Eligibility")]
public sealed record Eligibility(
    [property: Id(0)] bool Eligible,
    [property: Id(1)] string Reason);

/// <summary>A partner's routing score, 0-100 rounded to 2 decimals, and one reason line per component, in <see cref="LeadRouting.Components"/> order.</summary>
[GenerateSerializer, Immutable, Alias("eco.RoutingScore")]
public sealed record RoutingScore(
    [property: Id(0)] decimal Score,
    [property: Id(1)] IReadOnlyList<string> Reasons)
{
    public bool Equals(RoutingScore? other) =>
        other is not null && Score == other.Score && Reasons.SequenceEqual(other.Reasons, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Score, Reasons.Count);
}

/// <summary>An eligible partner with its score: what <see cref="LeadRouting.Pick"/> chooses among.</summary>
[GenerateSerializer, Immutable, Alias("eco.RoutingCandidate")]
public sealed record RoutingCandidate(
    [property: Id(0)] PartnerRoutingProfile Profile,
    [property: Id(1)] RoutingScore Score);

/// <summary>
/// Who gets a lead. A lead goes to one eligible partner at a time; the best score wins.
/// <para><b>Eligibility</b> (<see cref="IsEligible"/>), every rule must hold, checked in this order:
/// program terms signed; not churned; accepts leads; same region (case-insensitive); the lead's industry
/// is among the partner's industries (case-insensitive; a partner that lists none serves every industry, and
/// a lead with no industry matches every partner); fewer open leads than capacity; not offered this lead before.</para>
/// <para><b>Score</b> (<see cref="Score(PartnerRoutingProfile, RoutingSettings, TimeSpan)"/>), 0-100:
/// score = Σ 100 × wₖ / Σw × vₖ over the six components k, rounded to 2 decimals (half away from zero),
/// where wₖ is the program's weight <c>routing.scoreWeights[k]</c> (missing or negative counts as 0; when every
/// weight is 0 the score is 0 and the tie-breaks decide) and vₖ ∈ [0, 1] is:</para>
/// <list type="bullet">
/// <item><c>tier</c>: rank / (tierCount − 1), the lowest tier 0 and the highest 1 (a one-tier program: neutral).</item>
/// <item><c>health</c>: health score / 100.</item>
/// <item><c>winRate</c>: won / (won + lost) closed deals.</item>
/// <item><c>acceptanceRate</c>: accepted / ended offers.</item>
/// <item><c>responseSpeed</c>: 1 − min(median response, offer timeout) / offer timeout: an instant answer 1, one at or after the timeout 0.</item>
/// <item><c>load</c>: 1 − open leads / capacity, clamped to [0, 1]: an idle partner 1, a full one 0.</item>
/// </list>
/// <para>A figure the partner does not have yet (no health score, no closed deal, no ended offer, never answered)
/// takes the neutral value <see cref="Neutral"/> = 0.5, so that newcomers are not starved by partners with a track
/// record nor favoured over good ones. Each reason is one line: the figure, then "+points of maximum".</para>
/// <para><b>Choice</b> (<see cref="Pick"/>): the highest (rounded) score; ties go to the partner offered a lead least
/// recently (never offered comes first), then to the partnerId in ordinal order.</para>
/// </summary>
public static class LeadRouting
{
    public const string Tier = "tier";
    public const string Health = "health";
    public const string WinRate = "winRate";
    public const string AcceptanceRate = "acceptanceRate";
    public const string ResponseSpeed = "responseSpeed";
    public const string Load = "load";

    /// <summary>The score components, in the order of the reasons; also the keys of <c>routing.scoreWeights</c>.</summary>
    public static readonly IReadOnlyList<string> Components = [Tier, Health, WinRate, AcceptanceRate, ResponseSpeed, Load];

    /// <summary>The value (0..1) of a component whose figure is unknown.</summary>
    public const decimal Neutral = 0.5m;

    public static Eligibility IsEligible(PartnerRoutingProfile profile, string region, string? industry, IReadOnlyCollection<string> alreadyOffered)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(alreadyOffered);

        if (!profile.ProgramTermsSigned)
        {
            return new(false, "program terms not signed");
        }

        if (profile.Churned)
        {
            return new(false, "partner has churned");
        }

        if (!profile.AcceptsLeads)
        {
            return new(false, "partner does not accept leads");
        }

        if (!string.Equals(profile.Region, region, StringComparison.OrdinalIgnoreCase))
        {
            return new(false, $"region {profile.Region} is not the lead's region {region}");
        }

        if (!string.IsNullOrWhiteSpace(industry)
            && profile.Industries.Count > 0
            && !profile.Industries.Contains(industry, StringComparer.OrdinalIgnoreCase))
        {
            return new(false, $"industry {industry} is not among the partner's industries ({string.Join(", ", profile.Industries)})");
        }

        if (profile.OpenLeads >= profile.Capacity)
        {
            return new(false, $"at capacity: {profile.OpenLeads} of {profile.Capacity} open leads");
        }

        if (alreadyOffered.Contains(profile.PartnerId, StringComparer.Ordinal))
        {
            return new(false, "already offered this lead");
        }

        var industryText = string.IsNullOrWhiteSpace(industry) ? "any industry" : $"industry {industry}";
        return new(true, $"eligible: region {profile.Region}, {industryText}, {profile.OpenLeads} of {profile.Capacity} open leads");
    }

    /// <summary>The score with the program's own offer timeout.</summary>
    public static RoutingScore Score(PartnerRoutingProfile profile, RoutingSettings settings) =>
        Score(profile, settings, TimeSpan.FromSeconds(settings.OfferTimeoutSeconds));

    public static RoutingScore Score(PartnerRoutingProfile profile, RoutingSettings settings, TimeSpan offerTimeout)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(offerTimeout, TimeSpan.Zero);

        var weights = Components.ToDictionary(
            k => k,
            k => settings.ScoreWeights is not null && settings.ScoreWeights.TryGetValue(k, out var w) && w > 0 ? w : 0m,
            StringComparer.Ordinal);
        var totalWeight = weights.Values.Sum();

        decimal total = 0;
        var reasons = new List<string>(Components.Count);
        foreach (var (component, value, figure) in Values(profile, offerTimeout))
        {
            var max = totalWeight == 0 ? 0 : 100m * weights[component] / totalWeight;
            var points = max * value;
            total += points;
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{figure}: +{points:0.0} of {max:0.#}"));
        }

        return new RoutingScore(Math.Round(total, 2, MidpointRounding.AwayFromZero), reasons);
    }

    /// <summary>The best candidate, or null when there is none. See the class summary for the order.</summary>
    public static RoutingCandidate? Pick(IEnumerable<RoutingCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return candidates
            .OrderByDescending(c => c.Score.Score)
            .ThenBy(c => c.Profile.LastOfferedAt.HasValue)
            .ThenBy(c => c.Profile.LastOfferedAt)
            .ThenBy(c => c.Profile.PartnerId, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>Eligibility, scoring and choice in one: the partner to offer the lead to next, or null when nobody is eligible (the lead is unroutable).</summary>
    public static RoutingCandidate? Route(
        IEnumerable<PartnerRoutingProfile> profiles,
        string region,
        string? industry,
        IReadOnlyCollection<string> alreadyOffered,
        RoutingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        return Pick(profiles
            .Where(p => IsEligible(p, region, industry, alreadyOffered).Eligible)
            .Select(p => new RoutingCandidate(p, Score(p, settings))));
    }

    private static IEnumerable<(string Component, decimal Value, string Figure)> Values(PartnerRoutingProfile p, TimeSpan offerTimeout)
    {
        var inv = CultureInfo.InvariantCulture;

        if (p.TierCount <= 1)
        {
            yield return (Tier, Neutral, "tier: the program has one tier, neutral 50%");
        }
        else
        {
            var rank = Math.Clamp(p.TierRank, 0, p.TierCount - 1);
            var v = (decimal)rank / (p.TierCount - 1);
            yield return (Tier, v, string.Create(inv, $"tier {rank + 1} of {p.TierCount} ({Percent(v)})"));
        }

        if (p.HealthScore is { } health)
        {
            var v = Math.Clamp(health, 0, 100) / 100m;
            yield return (Health, v, string.Create(inv, $"health {health}/100"));
        }
        else
        {
            yield return (Health, Neutral, "health unknown, neutral 50%");
        }

        if (p.WinRate is { } winRate)
        {
            var closed = p.WonDeals + p.LostDeals;
            yield return (WinRate, winRate, string.Create(inv, $"win rate {Percent(winRate)} ({p.WonDeals} of {closed} closed deals)"));
        }
        else
        {
            yield return (WinRate, Neutral, "win rate unknown (no closed deals), neutral 50%");
        }

        if (p.AcceptanceRate is { } acceptance)
        {
            yield return (AcceptanceRate, acceptance, string.Create(inv, $"acceptance rate {Percent(acceptance)} ({p.LeadsAccepted} of {p.LeadsOffered} offers accepted)"));
        }
        else
        {
            yield return (AcceptanceRate, Neutral, "acceptance rate unknown (no offer ended yet), neutral 50%");
        }

        if (p.MedianResponseSeconds is { } median)
        {
            var timeout = (decimal)offerTimeout.Ticks / TimeSpan.TicksPerSecond;
            var v = 1 - (Math.Clamp(median, 0, timeout) / timeout);
            yield return (ResponseSpeed, v, $"median response {Duration(median)} against a {Duration(timeout)} timeout ({Percent(v)})");
        }
        else
        {
            yield return (ResponseSpeed, Neutral, "response speed unknown (never answered an offer), neutral 50%");
        }

        var load = p.Capacity <= 0 ? 0 : Math.Clamp(1 - ((decimal)p.OpenLeads / p.Capacity), 0, 1);
        yield return (Load, load, string.Create(inv, $"load {p.OpenLeads} of {p.Capacity} open leads ({Percent(load)} free)"));
    }

    private static string Percent(decimal fraction) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Round(fraction * 100, 0, MidpointRounding.AwayFromZero):0}%");

    /// <summary>"45s", "12m", "1.5h", "2d": the largest unit that gives at least 1, short enough for a reason line.</summary>
    private static string Duration(decimal seconds) => seconds switch
    {
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#}s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#}m"),
        < 86_400 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#}h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86_400:0.#}d"),
    };
}
