namespace Ecosystem.Domain.Leads;

/// <summary>
/// What the routing index keeps about one partner: enough to decide eligibility and to score it, and
/// nothing more. The partner sends a fresh copy whenever one of these figures changes. Rates are kept as
/// counts so that a reason can say "4 of 10" and a partner with no history is told apart from one at 0%.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.PartnerRoutingProfile")]
public sealed record PartnerRoutingProfile
{
    [Id(0)] public required string PartnerId { get; init; }
    [Id(1)] public required string Region { get; init; }
    /// <summary>Industries the partner serves; empty means every industry.</summary>
    [Id(2)] public IReadOnlyList<string> Industries { get; init; } = [];
    [Id(3)] public bool AcceptsLeads { get; init; }
    [Id(4)] public bool ProgramTermsSigned { get; init; }
    [Id(5)] public bool Churned { get; init; }
    /// <summary>Most leads the partner works at once (offered and not yet answered, or accepted and not yet converted).</summary>
    [Id(6)] public int Capacity { get; init; }
    [Id(7)] public int OpenLeads { get; init; }
    /// <summary>Index of the partner's tier in the program's tier list: 0 is the lowest.</summary>
    [Id(8)] public int TierRank { get; init; }
    /// <summary>How many tiers the program has.</summary>
    [Id(9)] public int TierCount { get; init; } = 1;
    /// <summary>The partner's health score 0-100; null when not yet computed.</summary>
    [Id(10)] public int? HealthScore { get; init; }
    [Id(11)] public int WonDeals { get; init; }
    [Id(12)] public int LostDeals { get; init; }
    /// <summary>Offers that have ended: accepted, declined or expired. A pending offer is not counted yet, so it does not drag the rate down.</summary>
    [Id(13)] public int LeadsOffered { get; init; }
    [Id(14)] public int LeadsAccepted { get; init; }
    /// <summary>Median seconds from offer to answer (accept or decline); null when the partner never answered.</summary>
    [Id(15)] public decimal? MedianResponseSeconds { get; init; }
    /// <summary>When the partner was last offered any lead; null when never.</summary>
    [Id(16)] public DateTimeOffset? LastOfferedAt { get; init; }

    /// <summary>won / (won + lost), 0..1; null when the partner has no closed deal.</summary>
    public decimal? WinRate => WonDeals + LostDeals is var closed and > 0 ? (decimal)Math.Clamp(WonDeals, 0, closed) / closed : null;

    /// <summary>accepted / offered, 0..1; null when no offer has ended yet.</summary>
    public decimal? AcceptanceRate => LeadsOffered > 0 ? (decimal)Math.Clamp(LeadsAccepted, 0, LeadsOffered) / LeadsOffered : null;

    public bool Equals(PartnerRoutingProfile? other) =>
        other is not null
        && string.Equals(PartnerId, other.PartnerId, StringComparison.Ordinal)
        && string.Equals(Region, other.Region, StringComparison.Ordinal)
        && Industries.SequenceEqual(other.Industries, StringComparer.Ordinal)
        && AcceptsLeads == other.AcceptsLeads
        && ProgramTermsSigned == other.ProgramTermsSigned
        && Churned == other.Churned
        && Capacity == other.Capacity
        && OpenLeads == other.OpenLeads
        && TierRank == other.TierRank
        && TierCount == other.TierCount
        && HealthScore == other.HealthScore
        && WonDeals == other.WonDeals
        && LostDeals == other.LostDeals
        && LeadsOffered == other.LeadsOffered
        && LeadsAccepted == other.LeadsAccepted
        && MedianResponseSeconds == other.MedianResponseSeconds
        && LastOfferedAt == other.LastOfferedAt;

    public override int GetHashCode() => HashCode.Combine(PartnerId, Region, OpenLeads, HealthScore, LastOfferedAt);
}
