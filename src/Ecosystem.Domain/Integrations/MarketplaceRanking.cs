using static Ecosystem.Domain.Integrations.IntegrationText;

namespace Ecosystem.Domain.Integrations;

/// <summary>What the marketplace knows of an integration: its listing, certification status, quality and active installs.</summary>
[GenerateSerializer, Immutable, Alias("eco.MarketplaceListing")]
public sealed record MarketplaceListing(
    [property: Id(0)] string IntegrationId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Category,
    [property: Id(3)] string Description,
    [property: Id(4)] string Status,
    [property: Id(5)] int Quality,
    [property: Id(6)] long ActiveInstalls);

/// <summary>A listing in its place: <see cref="Rank"/> from 1, its <see cref="Score"/> 0-100 and the reasons for both.</summary>
[GenerateSerializer, Immutable, Alias("eco.RankedListing")]
public sealed record RankedListing(
    [property: Id(0)] int Rank,
    [property: Id(1)] MarketplaceListing Listing,
    [property: Id(2)] decimal Score,
    [property: Id(3)] decimal Adoption,
    [property: Id(4)] decimal? Relevance,
    [property: Id(5)] IReadOnlyList<string> Reasons)
{
    public bool Equals(RankedListing? other) =>
        other is not null
        && Rank == other.Rank
        && Listing.Equals(other.Listing)
        && Score == other.Score
        && Adoption == other.Adoption
        && Relevance == other.Relevance
        && Reasons.SequenceEqual(other.Reasons, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Rank, Listing.IntegrationId, Score);
}

/// <summary>
/// The marketplace: certified integrations, ranked. Only <c>certified</c> integrations are listed.
/// <para><b>Score</b>, 0-100, rounded to 2 decimals (half away from zero):
/// score = (50 × quality + 30 × adoption + 20 × relevance) / 100 when the request names a category or a query, and
/// score = (50 × quality + 30 × adoption) / 80 when it names neither (relevance is then not counted, and the weights of
/// quality and adoption become 62.5 and 37.5). Each figure is 0-100:</para>
/// <list type="bullet">
/// <item><c>quality</c>: the integration's quality score (<see cref="QualityScore"/>).</item>
/// <item><c>adoption</c>: 100 × n / (n + 10) for n active installs: 0 → 0, 10 → 50, 30 → 75, 90 → 90. Saturating,
/// so that a few very popular integrations do not crush the rest, and independent of the other listings, so that one
/// integration's installs never move another's score.</item>
/// <item><c>relevance</c>: the mean of the parts the request asks for. Category: 100 when the listing's category equals
/// the requested one (trimmed, case-insensitive), else 0. Query: the query is cut into terms at every character that is
/// not a letter or a digit (lower-cased, distinct, at most <see cref="MaxQueryTerms"/>); each term scores 1 when the
/// name contains it, else 0.5 when the description does, else 0 (case-insensitive); the part is 100 × the mean over the
/// terms.</item>
/// </list>
/// <para>A request that names a category or a query lists only the integrations with relevance above 0 (a category
/// alone therefore filters; with both, an integration matching only one of them is listed, lower).</para>
/// <para><b>Order</b>: score descending, then quality descending, then active installs descending, then integrationId
/// ordinal ascending. Each result's reasons are: its place ("rank 2 of 5, score 71.25: below crm-sync (74)", or which
/// tie-break put it after the one above), then one line per figure with the points it earned out of its weight.</para>
/// </summary>
public static class MarketplaceRanking
{
    public const decimal QualityWeight = 50;
    public const decimal AdoptionWeight = 30;
    public const decimal RelevanceWeight = 20;

    /// <summary>Active installs at which adoption is 50.</summary>
    public const decimal AdoptionHalfAt = 10;

    public const decimal NameMatch = 1m;
    public const decimal DescriptionMatch = 0.5m;
    public const int MaxQueryTerms = 20;

    /// <summary>The query's terms as the relevance counts them.</summary>
    public static IReadOnlyList<string> Terms(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        var terms = new List<string>();
        var start = -1;
        for (var i = 0; i <= query.Length; i++)
        {
            var inTerm = i < query.Length && char.IsLetterOrDigit(query[i]);
            if (inTerm && start < 0)
            {
                start = i;
            }
            else if (!inTerm && start >= 0)
            {
                var term = query[start..i].ToLowerInvariant();
                if (!terms.Contains(term, StringComparer.Ordinal))
                {
                    terms.Add(term);
                }

                start = -1;
            }
        }

        return terms.Take(MaxQueryTerms).ToList();
    }

    /// <summary>100 × n / (n + 10).</summary>
    public static decimal Adoption(long activeInstalls)
    {
        var n = Math.Max(0, activeInstalls);
        return 100m * n / (n + AdoptionHalfAt);
    }

    /// <summary>The relevance of a listing to the request, 0-100; null when the request names neither a category nor a query term.</summary>
    public static decimal? Relevance(MarketplaceListing listing, string? category, IReadOnlyList<string> terms) =>
        RelevanceWithDetail(listing, category, terms)?.Value;

    /// <summary>Whether the listing appears for this request: certified, and relevant when the request asks for something.</summary>
    public static bool IsListed(MarketplaceListing listing, string? category, string? query)
    {
        ArgumentNullException.ThrowIfNull(listing);
        return listing.Status == CertificationStatuses.Certified && Relevance(listing, category, Terms(query)) is null or > 0;
    }

    public static IReadOnlyList<RankedListing> Rank(IEnumerable<MarketplaceListing> listings, string? category, string? query)
    {
        ArgumentNullException.ThrowIfNull(listings);
        var terms = Terms(query);
        var asked = !string.IsNullOrWhiteSpace(category) || terms.Count > 0;
        var total = QualityWeight + AdoptionWeight + (asked ? RelevanceWeight : 0);
        var qualityMax = 100 * QualityWeight / total;
        var adoptionMax = 100 * AdoptionWeight / total;
        var relevanceMax = asked ? 100 * RelevanceWeight / total : 0;

        var scored = new List<(MarketplaceListing Listing, decimal Score, decimal Adoption, decimal? Relevance, List<string> Lines)>();
        foreach (var l in listings)
        {
            if (l is null || l.Status != CertificationStatuses.Certified)
            {
                continue;
            }

            var relevance = RelevanceWithDetail(l, category, terms);
            if (relevance is { Value: <= 0 })
            {
                continue;
            }

            var quality = Math.Clamp(l.Quality, 0, 100);
            var adoption = Adoption(l.ActiveInstalls);
            var qualityPoints = qualityMax * quality / 100;
            var adoptionPoints = adoptionMax * adoption / 100;
            var relevancePoints = relevanceMax * (relevance?.Value ?? 0) / 100;
            var lines = new List<string>
            {
                Inv($"quality {quality}/100: +{qualityPoints:0.0} of {qualityMax:0.#}"),
                Inv($"adoption {Count(l.ActiveInstalls, "active install", "active installs")} ({Round1(adoption):0.#}/100): +{adoptionPoints:0.0} of {adoptionMax:0.#}"),
                relevance is { } r
                    ? Inv($"relevance: {r.Detail} ({Round1(r.Value):0.#}/100): +{relevancePoints:0.0} of {relevanceMax:0.#}")
                    : "relevance: no category or query given, not counted",
            };
            var score = Math.Round(qualityPoints + adoptionPoints + relevancePoints, 2, MidpointRounding.AwayFromZero);
            scored.Add((l, score, Round1(adoption), relevance is { } rr ? Round1(rr.Value) : null, lines));
        }

        var ordered = scored
            .OrderByDescending(s => s.Score)
            .ThenByDescending(s => Math.Clamp(s.Listing.Quality, 0, 100))
            .ThenByDescending(s => s.Listing.ActiveInstalls)
            .ThenBy(s => s.Listing.IntegrationId, StringComparer.Ordinal)
            .ToList();

        var ranked = new List<RankedListing>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var s = ordered[i];
            var place = Inv($"rank {i + 1} of {ordered.Count}, score {Number(s.Score)}");
            if (i > 0)
            {
                place += ": " + Behind(ordered[i - 1].Listing, ordered[i - 1].Score, s.Listing, s.Score);
            }

            ranked.Add(new RankedListing(i + 1, s.Listing, s.Score, s.Adoption, s.Relevance, [place, .. s.Lines]));
        }

        return ranked;
    }

    /// <summary>Why <paramref name="b"/> comes right after <paramref name="a"/>.</summary>
    private static string Behind(MarketplaceListing a, decimal aScore, MarketplaceListing b, decimal bScore)
    {
        if (aScore != bScore)
        {
            return Inv($"below {a.IntegrationId} ({Number(aScore)})");
        }

        int qa = Math.Clamp(a.Quality, 0, 100), qb = Math.Clamp(b.Quality, 0, 100);
        if (qa != qb)
        {
            return Inv($"tied with {a.IntegrationId}, which has the higher quality ({qa} vs {qb})");
        }

        return a.ActiveInstalls != b.ActiveInstalls
            ? Inv($"tied with {a.IntegrationId}, which has more active installs ({a.ActiveInstalls} vs {b.ActiveInstalls})")
            : Inv($"tied with {a.IntegrationId} in score, quality and installs; ordered by integrationId");
    }

    private static (decimal Value, string Detail)? RelevanceWithDetail(MarketplaceListing listing, string? category, IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(terms);
        var parts = new List<decimal>(2);
        var details = new List<string>(2);

        if (!string.IsNullOrWhiteSpace(category))
        {
            var wanted = category.Trim();
            var matches = string.Equals((listing.Category ?? "").Trim(), wanted, StringComparison.OrdinalIgnoreCase);
            parts.Add(matches ? 100 : 0);
            details.Add(matches ? Inv($"category {Clip(wanted, 50)} matches") : Inv($"category {Clip(listing.Category, 50)}, not {Clip(wanted, 50)}"));
        }

        if (terms.Count > 0)
        {
            var inName = new List<string>();
            var inDescription = new List<string>();
            var missing = new List<string>();
            foreach (var t in terms)
            {
                if ((listing.Name ?? "").Contains(t, StringComparison.OrdinalIgnoreCase))
                {
                    inName.Add(t);
                }
                else if ((listing.Description ?? "").Contains(t, StringComparison.OrdinalIgnoreCase))
                {
                    inDescription.Add(t);
                }
                else
                {
                    missing.Add(t);
                }
            }

            parts.Add(100 * ((NameMatch * inName.Count) + (DescriptionMatch * inDescription.Count)) / terms.Count);
            var found = new List<string>(3);
            if (inName.Count > 0)
            {
                found.Add(Inv($"in the name: {Clip(string.Join(", ", inName), 60)}"));
            }

            if (inDescription.Count > 0)
            {
                found.Add(Inv($"in the description: {Clip(string.Join(", ", inDescription), 60)}"));
            }

            if (missing.Count > 0)
            {
                found.Add(Inv($"not found: {Clip(string.Join(", ", missing), 60)}"));
            }

            details.Add(Inv($"query terms {string.Join("; ", found)}"));
        }

        return parts.Count == 0 ? null : (parts.Average(), string.Join(", ", details));
    }
}
