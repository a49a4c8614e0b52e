using Ecosystem.Domain.Scoring;
using System.Globalization;
using Ecosystem.Domain.Program;

namespace Ecosystem.Domain.Partners;

/// <summary>The figures a partner's health is computed from, as of <see cref="Now"/>.</summary>
[GenerateSerializer, Immutable, Alias("eco.HealthInputs")]
public sealed record HealthInputs
{
    /// <summary>The partner's latest activity of any kind; null when it has none yet.</summary>
    [Id(0)] public DateTimeOffset? LastActivityAt { get; init; }
    /// <summary>Offers that have ended: accepted, declined or expired.</summary>
    [Id(1)] public int LeadsOffered { get; init; }
    [Id(2)] public int LeadsAccepted { get; init; }
    /// <summary>Median seconds from offer to answer (accept or decline); null when the partner never answered.</summary>
    [Id(3)] public decimal? MedianResponseSeconds { get; init; }
    [Id(4)] public int WonDeals { get; init; }
    [Id(5)] public int LostDeals { get; init; }
    [Id(6)] public int CertificationsInForce { get; init; }
    /// <summary>Customer accounts the partner has won or worked on, and how many of them have since churned.</summary>
    [Id(7)] public int CustomersTotal { get; init; }
    [Id(8)] public int CustomersChurned { get; init; }
    /// <summary>Survey scores 0-10, most recent last. Only the last <see cref="HealthScore.SurveyWindow"/> count, so a caller need keep no more.</summary>
    [Id(9)] public IReadOnlyList<int> SurveyScores { get; init; } = [];
    [Id(10)] public DateTimeOffset Now { get; init; }

    public bool Equals(HealthInputs? other) =>
        other is not null
        && LastActivityAt == other.LastActivityAt
        && LeadsOffered == other.LeadsOffered
        && LeadsAccepted == other.LeadsAccepted
        && MedianResponseSeconds == other.MedianResponseSeconds
        && WonDeals == other.WonDeals
        && LostDeals == other.LostDeals
        && CertificationsInForce == other.CertificationsInForce
        && CustomersTotal == other.CustomersTotal
        && CustomersChurned == other.CustomersChurned
        && SurveyScores.SequenceEqual(other.SurveyScores)
        && Now == other.Now;

    public override int GetHashCode() => HashCode.Combine(LastActivityAt, LeadsOffered, WonDeals, LostDeals, CertificationsInForce, Now);
}

/// <summary>
/// One component of a partner's health: its <see cref="Score"/> 0-100 (1 decimal), its <see cref="Weight"/> in the total
/// (the weights sum to 100) and a one-line <see cref="Detail"/> with the figure behind it.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.HealthComponent")]
public sealed record HealthComponent(
    [property: Id(0)] string Name,
    [property: Id(1)] decimal Score,
    [property: Id(2)] decimal Weight,
    [property: Id(3)] string Detail)
{
    /// <summary>What this component adds to the total: Score × Weight / 100.</summary>
    public decimal Contribution => Score * Weight / 100;
}

/// <summary>A partner's health: <see cref="Score"/> 0-100 and its breakdown, in <see cref="HealthComponents.All"/> order.</summary>
[GenerateSerializer, Immutable, Alias("eco.Health")]
public sealed record Health(
    [property: Id(0)] int Score,
    [property: Id(1)] IReadOnlyList<HealthComponent> Components)
{
    public bool Equals(Health? other) =>
        other is not null && Score == other.Score && Components.SequenceEqual(other.Components);

    public override int GetHashCode() => HashCode.Combine(Score, Components.Count);
}

/// <summary>
/// A partner's health, 0-100, from six components each scored 0-100 and weighted by the program's
/// <c>health.weights</c> (which sum to 100):
/// <list type="bullet">
/// <item><c>engagement</c>: days d since the last activity of any kind: 100 while d ≤ 7, then falling linearly to 0 at
/// d = 60 (100 × (60 − d) / 53), 0 beyond. Activity stamped in the future counts as today.</item>
/// <item><c>leadResponsiveness</c>: 100 × (0.7 × acceptance + 0.3 × speed), acceptance = accepted / ended offers,
/// speed = 1 − min(median response, offer timeout) / offer timeout (0 when the partner never answered an offer).</item>
/// <item><c>winRate</c>: 100 × won / (won + lost).</item>
/// <item><c>certifications</c>: certifications in force: 0 → 0, 1 → 60, 2 → 80, 3 or more → 100. No certification is a
/// figure, not missing data, so it has no neutral value.</item>
/// <item><c>customerRetention</c>: 100 × (1 − churned / total customers).</item>
/// <item><c>satisfaction</c>: 10 × the mean of the last 10 survey scores (0-10). A mean rather than NPS, because with a
/// handful of answers NPS jumps between −100 and 100; partner NPS proper is an ecosystem metric.</item>
/// </list>
/// <para>A component with no data yet (never active, no ended offer, no closed deal, no customer, no survey) scores the
/// neutral <see cref="Neutral"/> = 50 and its detail says so: a newcomer starts in the middle rather than at risk.</para>
/// <para>Each component score is rounded to 1 decimal, and the total is computed from those rounded scores:
/// Score = round(Σ componentScore × weight / 100) (half away from zero), so the published breakdown always adds up to
/// the published score. Weights that do not sum to 100 (which program validation forbids) are scaled to do so;
/// a missing or negative weight counts as 0.</para>
/// </summary>
public static class HealthScore
{
    /// <summary>The score of a component with no data.</summary>
    public const decimal Neutral = 50m;

    /// <summary>Days of inactivity that still count as fully engaged, and after which engagement is 0.</summary>
    public const int EngagedWithinDays = 7;
    public const int DisengagedAfterDays = 60;

    /// <summary>The share of acceptance and of speed in lead responsiveness.</summary>
    public const decimal AcceptanceShare = 0.7m;
    public const decimal SpeedShare = 0.3m;

    /// <summary>How many of the most recent survey scores count.</summary>
    public const int SurveyWindow = 10;

    public static Health Compute(HealthInputs inputs, HealthSettings settings, int offerTimeoutSeconds)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(offerTimeoutSeconds, 0);

        var (total, parts) = WeightedScore.Combine(HealthComponents.All, settings.Weights, name => name switch
        {
            HealthComponents.Engagement => Engagement(inputs),
            HealthComponents.LeadResponsiveness => LeadResponsiveness(inputs, offerTimeoutSeconds),
            HealthComponents.WinRate => WinRate(inputs),
            HealthComponents.Certifications => Certifications(inputs),
            HealthComponents.CustomerRetention => CustomerRetention(inputs),
            HealthComponents.Satisfaction => Satisfaction(inputs),
            _ => throw new InvalidOperationException($"No formula for health component {name}."),
        });
        return new Health(total, [.. parts.Select(p => new HealthComponent(p.Name, p.Score, p.Weight, p.Detail))]);
    }

    private static (decimal Score, string Detail) Engagement(HealthInputs i)
    {
        if (i.LastActivityAt is not { } last)
        {
            return (Neutral, "no activity recorded yet: neutral 50");
        }

        var days = Math.Max(0, (decimal)(i.Now - last).Ticks / TimeSpan.TicksPerDay);
        var score = days <= EngagedWithinDays ? 100
            : days >= DisengagedAfterDays ? 0
            : 100 * (DisengagedAfterDays - days) / (DisengagedAfterDays - EngagedWithinDays);
        var whole = (long)decimal.Floor(days);
        var detail = whole switch
        {
            0 => "last activity today",
            1 => "last activity 1 day ago",
            _ => Inv($"last activity {whole} days ago"),
        };
        return (score, detail);
    }

    private static (decimal Score, string Detail) LeadResponsiveness(HealthInputs i, int offerTimeoutSeconds)
    {
        if (i.LeadsOffered <= 0)
        {
            return (Neutral, "no lead offers ended yet: neutral 50");
        }

        var accepted = Math.Clamp(i.LeadsAccepted, 0, i.LeadsOffered);
        var acceptance = (decimal)accepted / i.LeadsOffered;
        decimal speed = 0;
        var speedText = "never answered an offer";
        if (i.MedianResponseSeconds is { } median)
        {
            speed = 1 - (Math.Clamp(median, 0, offerTimeoutSeconds) / offerTimeoutSeconds);
            speedText = $"median response {Duration(median)} against a {Duration(offerTimeoutSeconds)} timeout";
        }

        var score = 100 * ((AcceptanceShare * acceptance) + (SpeedShare * speed));
        return (score, Inv($"accepted {accepted} of {i.LeadsOffered} offered leads ({Percent(acceptance)}), {speedText}"));
    }

    private static (decimal Score, string Detail) WinRate(HealthInputs i)
    {
        var won = Math.Max(0, i.WonDeals);
        var closed = won + Math.Max(0, i.LostDeals);
        if (closed == 0)
        {
            return (Neutral, "no closed deals yet: neutral 50");
        }

        var rate = (decimal)won / closed;
        return (100 * rate, Inv($"won {won} of {closed} closed deals ({Percent(rate)})"));
    }

    private static (decimal Score, string Detail) Certifications(HealthInputs i)
    {
        var n = Math.Max(0, i.CertificationsInForce);
        var score = n switch { 0 => 0m, 1 => 60m, 2 => 80m, _ => 100m };
        var detail = n switch
        {
            0 => "no certification in force",
            1 => "1 certification in force",
            _ => Inv($"{n} certifications in force"),
        };
        return (score, detail);
    }

    private static (decimal Score, string Detail) CustomerRetention(HealthInputs i)
    {
        if (i.CustomersTotal <= 0)
        {
            return (Neutral, "no customers yet: neutral 50");
        }

        var churned = Math.Clamp(i.CustomersChurned, 0, i.CustomersTotal);
        var kept = i.CustomersTotal - churned;
        var rate = (decimal)kept / i.CustomersTotal;
        return (100 * rate, Inv($"kept {kept} of {i.CustomersTotal} customers ({Percent(rate)})"));
    }

    private static (decimal Score, string Detail) Satisfaction(HealthInputs i)
    {
        var recent = (i.SurveyScores ?? []).TakeLast(SurveyWindow).Select(s => Math.Clamp(s, 0, 10)).ToList();
        if (recent.Count == 0)
        {
            return (Neutral, "no survey responses yet: neutral 50");
        }

        var mean = (decimal)recent.Sum() / recent.Count;
        var responses = recent.Count == 1 ? "the last response" : Inv($"the last {recent.Count} responses");
        return (10 * mean, Inv($"mean survey score {Round1(mean):0.0} of 10 over {responses}"));
    }

    private static decimal Round1(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);

    private static string Percent(decimal fraction) => Inv($"{Math.Round(fraction * 100, 0, MidpointRounding.AwayFromZero):0}%");

    private static string Duration(decimal seconds) => seconds switch
    {
        < 60 => Inv($"{seconds:0.#}s"),
        < 3600 => Inv($"{seconds / 60:0.#}m"),
        < 86_400 => Inv($"{seconds / 3600:0.#}h"),
        _ => Inv($"{seconds / 86_400:0.#}d"),
    };

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
