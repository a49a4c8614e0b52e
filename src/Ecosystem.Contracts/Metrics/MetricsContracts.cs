using Orleans.Concurrency;

namespace Ecosystem.Contracts.Metrics;

/// <summary>
/// The ecosystem's live figures (<c>GET /api/metrics</c>), kept incrementally: every partner, deal and lead reports
/// its own part when that part changes, and the grain swaps the old part for the new one in running totals. Reading
/// the figures never walks the deals. Reports are one-way, and one-way messages may arrive out of order: each carries
/// a version that grows with every report of its entity (<c>MetricsReportVersion</c>), and a report older than the
/// one held is ignored. A repeat is harmless. Definitions: the README's "Metrics" section.
/// </summary>
public interface IMetricsGrain : IGrainWithStringKey
{
    public const string Key = "metrics";

    [OneWay]
    Task ReportPartner(string partnerId, long version, PartnerMetricsReport report);

    /// <summary>Null: the deal has no partner part (no credited touch).</summary>
    [OneWay]
    Task ReportDeal(string dealId, long version, DealMetricsReport? report);

    [OneWay]
    Task ReportLead(string leadId, long version, LeadMetricsReport report);

    [AlwaysInterleave]
    Task<EcosystemFigures> Get();
}

/// <summary>What one partner adds to the figures: where it stands, its activation, risk and survey answers.</summary>
[GenerateSerializer, Immutable, Alias("eco.PartnerMetricsReport")]
public sealed record PartnerMetricsReport(
    [property: Id(0)] string PartnerType,
    [property: Id(1)] string Tier,
    [property: Id(2)] string LifecycleStage,
    [property: Id(3)] decimal? ActivationDays,
    [property: Id(4)] bool AtRisk,
    [property: Id(5)] int Promoters,
    [property: Id(6)] int Passives,
    [property: Id(7)] int Detractors);

/// <summary>
/// What one deal with a partner part adds to the revenue figures: sourced or influenced, open, won or lost, and its
/// amount with the date whose FX rate converts it (the close date once closed, else the date of its latest amount).
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.DealMetricsReport")]
public sealed record DealMetricsReport(
    [property: Id(0)] bool Sourced,
    [property: Id(1)] string Status,
    [property: Id(2)] decimal Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] DateOnly RateDate);

/// <summary>What one lead adds to the lead figures: its offers and their outcomes, where it stands, its time to accept.</summary>
[GenerateSerializer, Immutable, Alias("eco.LeadMetricsReport")]
public sealed record LeadMetricsReport(
    [property: Id(0)] int Offered,
    [property: Id(1)] int Accepted,
    [property: Id(2)] int Declined,
    [property: Id(3)] int Expired,
    [property: Id(4)] bool Pending,
    [property: Id(5)] bool Unroutable,
    [property: Id(6)] bool Converted,
    [property: Id(7)] decimal? SecondsToAccept);

public static class DealMetricsStatus
{
    public const string Open = "open";
    public const string Won = "won";
    public const string Lost = "lost";
}

/// <summary>Everything <see cref="IMetricsGrain"/> keeps; the dashboard adds the integration figures and the time.</summary>
[GenerateSerializer, Immutable, Alias("eco.EcosystemFigures")]
public sealed record EcosystemFigures
{
    [Id(0)] public required PartnerCounts Partners { get; init; }
    [Id(1)] public required RevenueMetrics Revenue { get; init; }
    [Id(2)] public required ActivationMetrics Activation { get; init; }
    [Id(3)] public required LeadMetrics Leads { get; init; }
    [Id(4)] public required NpsMetrics Nps { get; init; }
    /// <summary>Partner ids at risk now, ordinal order.</summary>
    [Id(5)] public required IReadOnlyList<string> AtRiskPartners { get; init; }
}

/// <summary>Partners with a profile, counted by type, by tier, by lifecycle stage, and by all three together.</summary>
[GenerateSerializer, Immutable, Alias("eco.PartnerCounts")]
public sealed record PartnerCounts
{
    [Id(0)] public long Total { get; init; }
    [Id(1)] public IReadOnlyDictionary<string, long> ByType { get; init; } = new Dictionary<string, long>();
    [Id(2)] public IReadOnlyDictionary<string, long> ByTier { get; init; } = new Dictionary<string, long>();
    [Id(3)] public IReadOnlyDictionary<string, long> ByStage { get; init; } = new Dictionary<string, long>();
    /// <summary>Only the combinations that have partners.</summary>
    [Id(4)] public IReadOnlyList<PartnerCountCell> Breakdown { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("eco.PartnerCountCell")]
public sealed record PartnerCountCell(
    [property: Id(0)] string PartnerType,
    [property: Id(1)] string Tier,
    [property: Id(2)] string LifecycleStage,
    [property: Id(3)] long Partners);

/// <summary>Partner-sourced and partner-influenced revenue in the reporting currency.</summary>
[GenerateSerializer, Immutable, Alias("eco.RevenueMetrics")]
public sealed record RevenueMetrics
{
    [Id(0)] public required string Currency { get; init; }
    [Id(1)] public required RevenueSplit Sourced { get; init; }
    [Id(2)] public required RevenueSplit Influenced { get; init; }
    /// <summary>Deals with a partner part whose currency had no FX rate in force on their rate date: in no amount above.</summary>
    [Id(3)] public long UnconvertedDeals { get; init; }
}

[GenerateSerializer, Immutable, Alias("eco.RevenueSplit")]
public sealed record RevenueSplit
{
    /// <summary>Sum of the won deals' amounts.</summary>
    [Id(0)] public decimal Won { get; init; }
    /// <summary>Sum of the open deals' amounts (open pipeline).</summary>
    [Id(1)] public decimal Open { get; init; }
    [Id(2)] public long WonDeals { get; init; }
    [Id(3)] public long OpenDeals { get; init; }
    [Id(4)] public long LostDeals { get; init; }
}

[GenerateSerializer, Immutable, Alias("eco.ActivationMetrics")]
public sealed record ActivationMetrics
{
    /// <summary>Median of the activated partners' activation days; null before any partner activated.</summary>
    [Id(0)] public decimal? MedianDays { get; init; }
    [Id(1)] public long ActivatedPartners { get; init; }
}

[GenerateSerializer, Immutable, Alias("eco.LeadMetrics")]
public sealed record LeadMetrics
{
    [Id(0)] public long Submitted { get; init; }
    [Id(1)] public long Offered { get; init; }
    [Id(2)] public long Accepted { get; init; }
    [Id(3)] public long Declined { get; init; }
    [Id(4)] public long Expired { get; init; }
    /// <summary>Offers waiting for an answer now.</summary>
    [Id(5)] public long Pending { get; init; }
    [Id(6)] public long Unroutable { get; init; }
    [Id(7)] public long Converted { get; init; }
    /// <summary>Median seconds from an offer to its acceptance, rounded to milliseconds; null before any acceptance.</summary>
    [Id(8)] public decimal? MedianSecondsToAccept { get; init; }
}

[GenerateSerializer, Immutable, Alias("eco.NpsMetrics")]
public sealed record NpsMetrics
{
    /// <summary>% promoters (9-10) − % detractors (0-6), from −100 to 100, one decimal; null without responses.</summary>
    [Id(0)] public decimal? Score { get; init; }
    [Id(1)] public long Responses { get; init; }
    [Id(2)] public long Promoters { get; init; }
    [Id(3)] public long Passives { get; init; }
    [Id(4)] public long Detractors { get; init; }
}
