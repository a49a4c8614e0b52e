using Ecosystem.Contracts.Partners;

namespace Ecosystem.Grains.Partners;

[GenerateSerializer, Alias("eco.PartnerState")]
public sealed class PartnerState
{
    [Id(0)] public PartnerProfile? Profile { get; set; }
    [Id(1)] public long EventCount { get; set; }
    [Id(2)] public DateTimeOffset? LastActivityAt { get; set; }
    /// <summary>Onboarding step → when it was first done.</summary>
    [Id(3)] public Dictionary<string, DateTimeOffset> Steps { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Certification → expiry (null: does not expire).</summary>
    [Id(4)] public Dictionary<string, DateTimeOffset?> Certifications { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public Dictionary<string, DateTimeOffset> CertificationEarnedAt { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Closed deal → its part in this partner's KPIs (set by the deal; see <c>IPartnerGrain.SetDealContribution</c>).</summary>
    [Id(6)] public Dictionary<string, DealContribution> Deals { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Lead → where it stands with this partner (set by the lead).</summary>
    [Id(7)] public Dictionary<string, PartnerLeadRecord> Leads { get; set; } = new(StringComparer.Ordinal);
    [Id(8)] public string? Tier { get; set; }
    [Id(9)] public DateTimeOffset? TierBelowSince { get; set; }
    /// <summary>Health scores of the last week, each recorded when the score changed, plus the last one before the week (the score in force when it began), for the "down 15 points in 7 days" rule.</summary>
    [Id(10)] public List<Ecosystem.Domain.Partners.HealthPoint> HealthHistory { get; set; } = [];
    [Id(11)] public List<int> SurveyScores { get; set; } = [];
    [Id(12)] public HashSet<string> ChurnedCustomers { get; set; } = new(StringComparer.Ordinal);
    [Id(13)] public bool AtRisk { get; set; }
    /// <summary>This partner's claims on deals it was not part of, oldest first.</summary>
    [Id(14)] public List<PartnerClaimView> Claims { get; set; } = [];
}
