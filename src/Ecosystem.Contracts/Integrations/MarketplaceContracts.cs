using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Integrations;
using Orleans.Concurrency;

namespace Ecosystem.Contracts.Integrations;

/// <summary>
/// The marketplace (one grain): the listing directory, which each integration keeps current itself, and the figures
/// that need every account: who installed what together (<see cref="CoInstallIndex"/>) and integration adoption
/// (<see cref="AdoptionCounters"/>). The intake hands it, in one call per dispatch, the events that name an account
/// and the listing views; it updates its counters event by event and never scans the accounts to answer.
/// </summary>
public interface IMarketplaceGrain : IEventStreamGrain
{
    public const string Key = "marketplace";

    /// <summary>How many recommendations <c>GET /api/marketplace?accountId=</c> returns.</summary>
    public const int Recommendations = 10;

    /// <summary>An integration's listing as it stands now (its certification, quality and active installs); replaces the last one.</summary>
    Task SetListing(MarketplaceListing listing);

    /// <summary>Certified integrations ranked for the request (see <see cref="MarketplaceRanking"/>).</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<RankedListing>> Rank(string? category, string? query);

    /// <summary>
    /// Up to <paramref name="k"/> certified integrations the account does not have, from what accounts with the same
    /// integrations installed (<see cref="CoInstallIndex.Recommend"/>); with a category or query, only those it would list.
    /// </summary>
    [AlwaysInterleave]
    Task<MarketplaceRecommendations> Recommend(string accountId, int k, string? category = null, string? query = null);

    /// <summary>Integration adoption rate, NRR contribution and marketplace conversion (see <see cref="AdoptionMetrics"/>).</summary>
    [AlwaysInterleave]
    Task<AdoptionFigures> GetAdoptionFigures();
}

/// <summary>What an account has installed, and what to recommend to it.</summary>
[GenerateSerializer, Immutable, Alias("eco.MarketplaceRecommendations")]
public sealed record MarketplaceRecommendations(
    [property: Id(0)] string AccountId,
    [property: Id(1)] IReadOnlyList<string> Installed,
    [property: Id(2)] IReadOnlyList<MarketplaceRecommendation> Items);

/// <summary>A recommendation with the listing it points to.</summary>
[GenerateSerializer, Immutable, Alias("eco.MarketplaceRecommendation")]
public sealed record MarketplaceRecommendation(
    [property: Id(0)] CoInstallRecommendation Recommendation,
    [property: Id(1)] MarketplaceListing Listing);
