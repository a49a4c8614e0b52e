using Orleans.Concurrency;
using Ecosystem.Contracts.Events;

namespace Ecosystem.Contracts.Partners;

public interface IPartnerGrain : IEventStreamGrain
{
    /// <summary>Creates or replaces the partner's profile; returns the view and whether it was created.</summary>
    Task<(PartnerView View, bool Created)> PutProfile(PartnerProfile profile);

    /// <summary>The partner view, or null when the partner has no profile.</summary>
    [AlwaysInterleave]
    Task<PartnerView?> GetView();

    /// <summary>
    /// What a closed deal contributes to this partner's KPIs, replacing any earlier figure for that deal
    /// (null removes it). Sent by the deal at close, on its reactivation and on replay; idempotent.
    /// </summary>
    Task SetDealContribution(string dealId, DealContribution? contribution);

    /// <summary>
    /// Where a lead stands with this partner (offered, accepted, declined, expired, converted), from the
    /// lead, which decides offers. Keyed by lead, so a repeat changes nothing.
    /// </summary>
    Task SetLeadOutcome(string leadId, PartnerLeadRecord record);

    /// <summary>A customer of this partner (an account it registered) churned.</summary>
    Task MarkCustomerChurned(string accountId);

    /// <summary>One of this partner's API keys was used for the first time (onboarding: API activated).</summary>
    Task MarkApiKeyUsed(DateTimeOffset at);

    /// <summary>Re-evaluates what changes with time alone (engagement, stage, tier grace, certifications) and pushes any change.</summary>
    Task Evaluate();
}

[GenerateSerializer, Immutable, Alias("eco.PartnerLeadRecord")]
public sealed record PartnerLeadRecord(
    [property: Id(0)] string Outcome,
    [property: Id(1)] DateTimeOffset OfferedAt,
    [property: Id(2)] DateTimeOffset? AnsweredAt);

/// <summary>One closed deal's part in a partner's KPIs, in the deal's currency and in the reporting currency.</summary>
[GenerateSerializer, Immutable, Alias("eco.DealContribution")]
public sealed record DealContribution
{
    [Id(0)] public required string Outcome { get; init; }
    [Id(1)] public required DateTimeOffset ClosedAt { get; init; }
    [Id(2)] public bool Sourced { get; init; }
    [Id(8)] public string? AccountId { get; init; }
    [Id(3)] public decimal Amount { get; init; }
    [Id(4)] public required string Currency { get; init; }
    /// <summary>The partner's credit under the program's default model.</summary>
    [Id(5)] public decimal Credit { get; init; }
    /// <summary>Null when no FX rate was in force on the close date (the deal is then listed as unconverted).</summary>
    [Id(6)] public decimal? ReportingAmount { get; init; }
    [Id(7)] public decimal? ReportingCredit { get; init; }
}

[GenerateSerializer, Immutable, Alias("eco.PartnerProfile")]
public sealed record PartnerProfile
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required string PartnerType { get; init; }
    [Id(2)] public required string Region { get; init; }
    [Id(3)] public IReadOnlyList<string> Industries { get; init; } = [];
    [Id(4)] public bool AcceptsLeads { get; init; }
    [Id(5)] public int Capacity { get; init; } = 10;
    [Id(6)] public string? PayoutCurrency { get; init; }
}

public static class PartnerTypes
{
    public static readonly IReadOnlyList<string> All = ["technology", "solutions", "developer", "alliance"];
}

[GenerateSerializer, Immutable, Alias("eco.PartnerView")]
public sealed record PartnerView
{
    [Id(0)] public required string PartnerId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string PartnerType { get; init; }
    [Id(3)] public required string Region { get; init; }
    [Id(4)] public IReadOnlyList<string> Industries { get; init; } = [];
    [Id(5)] public bool AcceptsLeads { get; init; }
    [Id(6)] public int Capacity { get; init; }
    [Id(7)] public string? PayoutCurrency { get; init; }
    [Id(8)] public string? Tier { get; init; }
    [Id(9)] public string LifecycleStage { get; init; } = "applied";
    [Id(10)] public HealthView? Health { get; init; }
    [Id(11)] public OnboardingView Onboarding { get; init; } = new();
    [Id(12)] public PartnerKpis Kpis { get; init; } = new();
    [Id(13)] public DateTimeOffset? LastActivityAt { get; init; }
    [Id(14)] public long EventCount { get; init; }
    /// <summary>The next tier up and what is still missing for it (empty at the top).</summary>
    [Id(15)] public TierProgressView? TierProgress { get; init; }
    [Id(16)] public AtRiskView AtRisk { get; init; } = new(false, null);
    /// <summary>The partner's own claims on deals it was not part of: <c>[{dealId, claimId, status}]</c>.</summary>
    [Id(17)] public IReadOnlyList<PartnerClaimView> Claims { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("eco.PartnerClaimView")]
public sealed record PartnerClaimView(
    [property: Id(0)] string DealId,
    [property: Id(1)] string ClaimId,
    [property: Id(2)] string Status);

[GenerateSerializer, Immutable, Alias("eco.TierProgressView")]
public sealed record TierProgressView(
    [property: Id(0)] string? NextTier,
    [property: Id(1)] IReadOnlyList<string> Missing,
    [property: Id(2)] IReadOnlyList<string> MissingToKeep,
    [property: Id(3)] DateTimeOffset? BelowSince);

[GenerateSerializer, Immutable, Alias("eco.AtRiskView")]
public sealed record AtRiskView(
    [property: Id(0)] bool AtRisk,
    [property: Id(1)] string? Reason);

/// <summary>The partners currently at risk, for the channel team (<c>GET /api/partners?atRisk=true</c>).</summary>
public interface IAtRiskPartnersGrain : IGrainWithStringKey
{
    public const string Key = "at-risk";

    Task Set(string partnerId, bool atRisk);

    [Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<string>> List();
}

[GenerateSerializer, Immutable, Alias("eco.HealthView")]
public sealed record HealthView(
    [property: Id(0)] int Score,
    [property: Id(1)] IReadOnlyList<HealthComponentView> Components,
    [property: Id(2)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("eco.HealthComponentView")]
public sealed record HealthComponentView(
    [property: Id(0)] string Name,
    [property: Id(1)] decimal Score,
    [property: Id(2)] decimal Weight,
    [property: Id(3)] string Detail);

[GenerateSerializer, Immutable, Alias("eco.OnboardingView")]
public sealed record OnboardingView
{
    [Id(0)] public IReadOnlyList<OnboardingStepView> Steps { get; init; } = [];
    [Id(1)] public DateTimeOffset? ActivatedAt { get; init; }
    [Id(2)] public decimal? ActivationDays { get; init; }
}

[GenerateSerializer, Immutable, Alias("eco.OnboardingStepView")]
public sealed record OnboardingStepView(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Done,
    [property: Id(2)] DateTimeOffset? At);

[GenerateSerializer, Immutable, Alias("eco.PartnerKpis")]
public sealed record PartnerKpis
{
    [Id(0)] public decimal SourcedRevenue { get; init; }
    [Id(1)] public decimal InfluencedRevenue { get; init; }
    [Id(2)] public decimal AttributedRevenue { get; init; }
    [Id(3)] public int WonDeals { get; init; }
    [Id(4)] public int LostDeals { get; init; }
    [Id(5)] public int LeadsOffered { get; init; }
    [Id(6)] public int LeadsAccepted { get; init; }
    [Id(7)] public int LeadsDeclined { get; init; }
    [Id(8)] public int LeadsExpired { get; init; }
    [Id(9)] public int Certifications { get; init; }
    /// <summary>Won deals whose currency had no FX rate in force on their close date: not in the revenue figures above.</summary>
    [Id(10)] public IReadOnlyList<UnconvertedDeal> Unconverted { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("eco.UnconvertedDeal")]
public sealed record UnconvertedDeal(
    [property: Id(0)] string DealId,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] string Currency,
    [property: Id(3)] DateTimeOffset ClosedAt);
