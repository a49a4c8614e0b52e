using Ecosystem.Domain.Integrations;

namespace Ecosystem.Domain.Tests.Integrations;

public class MarketplaceRankingTests
{
    private static readonly MarketplaceListing CrmSync =
        new("crm-sync", "CRM Sync", "crm", "Two-way contacts and deals", CertificationStatuses.Certified, 80, 30);

    private static readonly MarketplaceListing BillingBridge =
        new("billing-bridge", "Billing Bridge", "billing", "Sync invoices to your CRM", CertificationStatuses.Certified, 90, 10);

    private static readonly MarketplaceListing HelpDesk =
        new("help-desk", "Help Desk", "support", "Tickets from deals", CertificationStatuses.Certified, 70, 90);

    private static readonly MarketplaceListing[] Listings =
    [
        HelpDesk,
        new("analytics-hub", "Analytics Hub", "analytics", "Dashboards", CertificationStatuses.Draft, 95, 100),
        BillingBridge,
        new("legacy-export", "Legacy Export", "crm", "CSV sync", CertificationStatuses.Suspended, 60, 5),
        CrmSync,
    ];

    [Theory]
    [InlineData(0, "0")]
    [InlineData(10, "50")]
    [InlineData(30, "75")]
    [InlineData(90, "90")]
    public void Adoption_saturates_at_half_for_ten_active_installs(long installs, string expected)
    {
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), MarketplaceRanking.Adoption(installs));
    }

    [Fact]
    public void Without_a_query_only_certified_integrations_are_ranked_by_quality_and_adoption()
    {
        var ranked = MarketplaceRanking.Rank(Listings, category: null, query: null);

        // Weights 62.5 / 37.5: crm-sync 50 + 28.125 = 78.125 → 78.13; help-desk 43.75 + 33.75 = 77.5;
        // billing-bridge 56.25 + 18.75 = 75.
        Assert.Equal([("crm-sync", 78.13m), ("help-desk", 77.5m), ("billing-bridge", 75m)], ranked.Select(r => (r.Listing.IntegrationId, r.Score)));
        Assert.Equal([1, 2, 3], ranked.Select(r => r.Rank));
        Assert.Null(ranked[0].Relevance);
        Assert.Equal(
            [
                "rank 2 of 3, score 77.5: below crm-sync (78.13)",
                "quality 70/100: +43.8 of 62.5",
                "adoption 90 active installs (90/100): +33.8 of 37.5",
                "relevance: no category or query given, not counted",
            ],
            ranked[1].Reasons);
    }

    [Fact]
    public void A_query_ranks_name_matches_above_description_matches_and_leaves_out_the_rest()
    {
        var ranked = MarketplaceRanking.Rank(Listings, category: null, query: "sync");

        // Weights 50 / 30 / 20: crm-sync 40 + 22.5 + 20 (in the name) = 82.5; billing-bridge 45 + 15 + 10 (description) = 70.
        Assert.Equal([("crm-sync", 82.5m), ("billing-bridge", 70m)], ranked.Select(r => (r.Listing.IntegrationId, r.Score)));
        Assert.Equal(
            [
                "rank 1 of 2, score 82.5",
                "quality 80/100: +40.0 of 50",
                "adoption 30 active installs (75/100): +22.5 of 30",
                "relevance: query terms in the name: sync (100/100): +20.0 of 20",
            ],
            ranked[0].Reasons);
        Assert.Equal("relevance: query terms in the description: sync (50/100): +10.0 of 20", ranked[1].Reasons[3]);
    }

    [Fact]
    public void A_category_alone_filters()
    {
        var ranked = MarketplaceRanking.Rank(Listings, category: "CRM", query: null);

        var only = Assert.Single(ranked);
        Assert.Equal("crm-sync", only.Listing.IntegrationId);
        Assert.Equal(82.5m, only.Score);
        Assert.Equal("relevance: category CRM matches (100/100): +20.0 of 20", only.Reasons[3]);
    }

    [Fact]
    public void A_category_and_a_query_together_rank_what_matches_both_first()
    {
        var ranked = MarketplaceRanking.Rank(Listings, category: "billing", query: "sync");

        // billing-bridge: relevance (100 + 50) / 2 = 75 → 45 + 15 + 15 = 75;
        // crm-sync: relevance (0 + 100) / 2 = 50 → 40 + 22.5 + 10 = 72.5.
        Assert.Equal([("billing-bridge", 75m), ("crm-sync", 72.5m)], ranked.Select(r => (r.Listing.IntegrationId, r.Score)));
        Assert.Equal(
            "relevance: category crm, not billing, query terms in the name: sync (50/100): +10.0 of 20",
            ranked[1].Reasons[3]);
    }

    [Fact]
    public void Query_terms_are_split_on_punctuation_and_each_scores_on_its_own()
    {
        Assert.Equal(["crm", "sync", "deals"], MarketplaceRanking.Terms("  CRM-sync, deals! crm "));

        // "crm": in the name (1); "deals": in the description (0.5); "zzz": nowhere (0) → 100 × 1.5 / 3 = 50.
        Assert.Equal(50m, MarketplaceRanking.Relevance(CrmSync, null, MarketplaceRanking.Terms("crm deals zzz")));
        Assert.Null(MarketplaceRanking.Relevance(CrmSync, " ", MarketplaceRanking.Terms(" -- ")));
    }

    [Fact]
    public void Ties_on_score_are_broken_by_quality_then_installs_then_id_and_the_reason_says_which()
    {
        // 62.5% × 86 + 37.5% × 50 = 72.5 = 62.5% × 80 + 37.5% × 60 (15 installs).
        MarketplaceListing higherQuality = new("zeta", "Zeta", "x", "", CertificationStatuses.Certified, 86, 10);
        MarketplaceListing moreInstalls = new("alpha", "Alpha", "x", "", CertificationStatuses.Certified, 80, 15);
        MarketplaceListing twinA = new("twin-a", "Twin", "x", "", CertificationStatuses.Certified, 10, 0);
        MarketplaceListing twinB = twinA with { IntegrationId = "twin-b" };

        var ranked = MarketplaceRanking.Rank([twinB, moreInstalls, twinA, higherQuality], null, null);

        Assert.Equal(["zeta", "alpha", "twin-a", "twin-b"], ranked.Select(r => r.Listing.IntegrationId));
        Assert.Equal("rank 2 of 4, score 72.5: tied with zeta, which has the higher quality (86 vs 80)", ranked[1].Reasons[0]);
        Assert.Equal("rank 4 of 4, score 6.25: tied with twin-a in score, quality and installs; ordered by integrationId", ranked[3].Reasons[0]);
    }

    [Fact]
    public void Ties_on_score_and_quality_go_to_the_more_installed()
    {
        // Adoption saturates: 100000 and 100001 installs give scores equal to 2 decimals (68.75).
        MarketplaceListing fewer = new("a", "A", "x", "", CertificationStatuses.Certified, 50, 100_000);
        MarketplaceListing more = new("b", "B", "x", "", CertificationStatuses.Certified, 50, 100_001);

        var ranked = MarketplaceRanking.Rank([fewer, more], null, null);

        Assert.Equal(["b", "a"], ranked.Select(r => r.Listing.IntegrationId));
        Assert.Equal(68.75m, ranked[1].Score);
        Assert.Equal("rank 2 of 2, score 68.75: tied with b, which has more active installs (100001 vs 100000)", ranked[1].Reasons[0]);
    }

    [Fact]
    public void Is_listed_agrees_with_the_ranking()
    {
        foreach (var (category, query) in new (string?, string?)[] { (null, null), ("crm", null), (null, "sync"), ("billing", "sync"), (null, "nothing") })
        {
            var ranked = MarketplaceRanking.Rank(Listings, category, query).Select(r => r.Listing.IntegrationId).Order(StringComparer.Ordinal);
            var listed = Listings.Where(l => MarketplaceRanking.IsListed(l, category, query)).Select(l => l.IntegrationId).Order(StringComparer.Ordinal);

            Assert.Equal(listed, ranked);
        }
    }
}
