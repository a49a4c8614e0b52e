using Ecosystem.Contracts.Integrations;
using Ecosystem.Domain.Accounts;
using Ecosystem.Domain.Integrations;
using Ecosystem.Host.Auth;

namespace Ecosystem.Host.Api;

public static class MarketplaceApi
{
    public const int MaxQueryLength = 1_000;

    public static IEndpointRouteBuilder MapMarketplaceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/marketplace").RequireAuthorization().WithTags("Integrations and marketplace");
        api.MapGet("/", Get)
            .WithSummary("Certified integrations ranked (category and q filter and weigh relevance), each with the reasons for its rank; with accountId, recommendations from what accounts with the same integrations installed.");
        api.MapGet("/metrics", Metrics).RequireAuthorization(Policies.Internal)
            .WithSummary("Integration adoption rate, NRR contribution (churn without integrations vs with three or more) and marketplace conversion.");
        return app;
    }

    public sealed record ListingResult(
        int Rank, string IntegrationId, string Name, string Category, string Description, int Quality, long ActiveInstalls,
        decimal Score, decimal Adoption, decimal? Relevance, IReadOnlyList<string> Reasons);

    public sealed record RecommendationEvidence(string IntegrationId, int Accounts);

    public sealed record RecommendationResult(
        string IntegrationId, string Name, string Category, string Description, int Quality, long ActiveInstalls,
        int Score, IReadOnlyList<RecommendationEvidence> Because, IReadOnlyList<string> Reasons);

    public sealed record RecommendationsResult(string AccountId, IReadOnlyList<string> Installed, IReadOnlyList<RecommendationResult> Items);

    public sealed record MarketplaceResult(string? Category, string? Q, IReadOnlyList<ListingResult> Integrations, RecommendationsResult? Recommendations);

    private static async Task<IResult> Get(string? category, string? q, string? accountId, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (category is not null && (category.Length > IntegrationsApi.MaxCategoryLength || category.Any(char.IsControl)))
        {
            errors["category"] = [$"must be at most {IntegrationsApi.MaxCategoryLength} printable characters"];
        }

        if (q is not null && (q.Length > MaxQueryLength || q.Any(char.IsControl)))
        {
            errors["q"] = [$"must be at most {MaxQueryLength} printable characters"];
        }

        string? account = null;
        if (accountId is not null)
        {
            account = Ids.IsValid(accountId) ? AccountDomain.Normalize(accountId) : null;
            if (string.IsNullOrEmpty(account))
            {
                errors["accountId"] = ["must be an account id (1-200 printable characters)"];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var marketplace = grains.GetGrain<IMarketplaceGrain>(IMarketplaceGrain.Key);
        var ranked = await marketplace.Rank(category, q);
        RecommendationsResult? recommendations = null;
        if (account is not null)
        {
            var r = await marketplace.Recommend(account, IMarketplaceGrain.Recommendations, category, q);
            recommendations = new RecommendationsResult(r.AccountId, r.Installed, [.. r.Items.Select(Recommendation)]);
        }

        return TypedResults.Ok(new MarketplaceResult(category, q, [.. ranked.Select(Listing)], recommendations));
    }

    private static async Task<IResult> Metrics(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IMarketplaceGrain>(IMarketplaceGrain.Key).GetAdoptionFigures());

    private static ListingResult Listing(RankedListing r) => new(
        r.Rank, r.Listing.IntegrationId, r.Listing.Name, r.Listing.Category, r.Listing.Description, r.Listing.Quality,
        r.Listing.ActiveInstalls, r.Score, r.Adoption, r.Relevance, r.Reasons);

    private static RecommendationResult Recommendation(MarketplaceRecommendation m) => new(
        m.Listing.IntegrationId, m.Listing.Name, m.Listing.Category, m.Listing.Description, m.Listing.Quality, m.Listing.ActiveInstalls,
        m.Recommendation.Score, [.. m.Recommendation.Because.Select(b => new RecommendationEvidence(b.InstalledIntegrationId, b.Accounts))],
        m.Recommendation.Reasons);
}
