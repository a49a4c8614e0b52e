using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Ecosystem.Chaos;

/// <summary>What one pass over every deal, partner and lead found, against the ledger of accepted events.</summary>
internal sealed class Verification
{
    private int _missingFromDeals;
    private int _doubleInDeals;
    private int _unexpected;
    private int _partnerShortfall;
    private int _partnerExcess;
    private int _partnerLeadOffers;
    private int _leadOffers;
    private int _leadsInconsistent;
    private int _leadsDoubleOffered;
    private int _leadsOffered;
    private int _leadsUnroutable;
    private int _unreadable;

    public ConcurrentDictionary<string, byte> LostIds { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, byte> MissingFromLogIds { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, byte> MissingLeadIds { get; } = new(StringComparer.Ordinal);
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Per partner: offers naming it in lead histories, and its own <c>kpis.leadsOffered</c>.</summary>
    public ConcurrentDictionary<string, int> OffersInHistories { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, int> OffersPartnersKnow { get; } = new(StringComparer.Ordinal);

    public int MissingFromLog => MissingFromLogIds.Count;
    public int MissingFromDeals => _missingFromDeals;
    public int DoubleInDeals => _doubleInDeals;
    public int Unexpected => _unexpected;
    public int PartnerShortfall => _partnerShortfall;
    public int PartnerExcess => _partnerExcess;
    public int PartnerLeadOffers => _partnerLeadOffers;
    public int LeadOffers => _leadOffers;
    public int LeadsMissing => MissingLeadIds.Count;
    public int LeadsInconsistent => _leadsInconsistent;
    public int LeadsDoubleOffered => _leadsDoubleOffered;
    public int LeadsOffered => _leadsOffered;
    public int LeadsUnroutable => _leadsUnroutable;
    public int Unreadable => _unreadable;

    /// <summary>
    /// Accepted events absent where they must be: distinct ids missing from the log, a deal timeline or a lead, plus
    /// partner events short of what partners' event counts show (counted per event, as the count names no ids).
    /// </summary>
    public int Lost => LostIds.Count + PartnerShortfall;

    /// <summary>Accepted events applied more than once: repeated timeline entries, partner counts above the accepted events, leads offered twice at once.</summary>
    public int DoubleApplied => DoubleInDeals + PartnerExcess + LeadsDoubleOffered + Math.Max(0, PartnerLeadOffers - LeadOffers);

    public bool Clean => Lost == 0 && DoubleApplied == 0 && LeadsInconsistent == 0 && Unreadable == 0 && PartnerLeadOffers == LeadOffers;

    public string Summary =>
        $"lost {Lost}, double {DoubleApplied}, leads inconsistent {LeadsInconsistent}, unreadable {Unreadable}, lead offers {LeadOffers} vs partners' {PartnerLeadOffers}" +
        (Problems.TryPeek(out var first) ? $"; e.g. {first}" : "");

    private void Add(ref int counter, int n, string problem)
    {
        Interlocked.Add(ref counter, n);
        Note(problem);
    }

    private void Note(string problem)
    {
        if (Problems.Count < 200)
        {
            Problems.Enqueue(problem);
        }
    }

    internal void MissingFromDeal(string dealId, List<string> ids)
    {
        foreach (var id in ids)
        {
            LostIds.TryAdd(id, 0);
        }

        Add(ref _missingFromDeals, ids.Count, $"deal {dealId}: {ids.Count} accepted events missing from its timeline ({string.Join(", ", ids.Take(3))})");
    }

    internal void DoubleInDeal(string dealId, List<string> ids) =>
        Add(ref _doubleInDeals, ids.Count, $"deal {dealId}: {string.Join(", ", ids.Take(3))} in its timeline more than once");

    internal void UnexpectedInDeal(string dealId, List<string> ids) =>
        Add(ref _unexpected, ids.Count, $"deal {dealId}: {ids.Count} timeline entries nobody was told were accepted ({string.Join(", ", ids.Take(3))})");

    internal void NotInLog(string stream, List<string> ids)
    {
        foreach (var id in ids)
        {
            MissingFromLogIds.TryAdd(id, 0);
            LostIds.TryAdd(id, 0);
        }

        Note($"{stream}: {ids.Count} accepted events missing from the log ({string.Join(", ", ids.Take(3))})");
    }

    internal void PartnerCount(string partnerId, long eventCount, int expected)
    {
        if (eventCount < expected)
        {
            Add(ref _partnerShortfall, (int)(expected - eventCount), $"partner {partnerId}: eventCount {eventCount}, {expected} accepted events name it");
        }
        else if (eventCount > expected)
        {
            Add(ref _partnerExcess, (int)(eventCount - expected), $"partner {partnerId}: eventCount {eventCount}, only {expected} accepted events name it");
        }
    }

    internal void PartnerLeadOffersSeen(string partnerId, int n)
    {
        Interlocked.Add(ref _partnerLeadOffers, n);
        OffersPartnersKnow[partnerId] = n;
    }

    /// <summary>A lead offered to a partner that never recorded the offer (or recorded one the leads do not show).</summary>
    internal void CompareOffers()
    {
        foreach (var partner in OffersInHistories.Keys.Union(OffersPartnersKnow.Keys, StringComparer.Ordinal))
        {
            var offered = OffersInHistories.GetValueOrDefault(partner);
            var known = OffersPartnersKnow.GetValueOrDefault(partner);
            if (offered != known)
            {
                Note($"partner {partner}: lead histories hold {offered} offers to it, its kpis.leadsOffered says {known}");
            }
        }
    }

    internal void LeadSeen(string status, int offers)
    {
        Interlocked.Add(ref _leadOffers, offers);
        if (status == "unroutable")
        {
            Interlocked.Increment(ref _leadsUnroutable);
        }
        else if (status != "new")
        {
            Interlocked.Increment(ref _leadsOffered);
        }
    }

    internal void LeadMissing(string leadId, string eventId)
    {
        MissingLeadIds.TryAdd(leadId, 0);
        LostIds.TryAdd(eventId, 0);
        Note($"lead {leadId}: accepted, but not found");
    }

    internal void LeadInconsistent(string leadId, string why) => Add(ref _leadsInconsistent, 1, $"lead {leadId}: {why}");

    internal void LeadDoubleOffered(string leadId, string why) => Add(ref _leadsDoubleOffered, 1, $"lead {leadId}: {why}");

    internal void NotRead(string what) => Add(ref _unreadable, 1, $"{what} could not be read");
}

/// <summary>Reads every deal, partner and lead through all the nodes and compares them with the ledger.</summary>
internal sealed class Verifier(IReadOnlyList<HttpClient> nodes, Ledger ledger, Scenario scenario)
{
    public async Task<Verification> VerifyAsync(bool readLog)
    {
        var v = new Verification();
        var durable = ledger.Durable;
        var byDeal = durable.Where(e => e.DealId is not null).GroupBy(e => e.DealId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Id).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var byPartner = durable.Where(e => e.PartnerId is not null).GroupBy(e => e.PartnerId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Id).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var leads = durable.Where(e => e.LeadId is not null).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8 };

        await Parallel.ForEachAsync(byDeal.Select((d, i) => (d.Key, d.Value, i)), parallel, async (x, ct) =>
        {
            var http = nodes[x.i % nodes.Count];
            var deal = await GetAsync(http, $"/api/deals/{x.Key}", ct);
            if (deal is null)
            {
                v.NotRead($"deal {x.Key}");
                return;
            }

            var timeline = deal.Value.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("event").GetProperty("id").GetString()!).ToList();
            var held = timeline.ToHashSet(StringComparer.Ordinal);
            var missing = x.Value.Where(id => !held.Contains(id)).ToList();
            if (missing.Count > 0)
            {
                v.MissingFromDeal(x.Key, missing);
            }

            var twice = timeline.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (twice.Count > 0)
            {
                v.DoubleInDeal(x.Key, twice);
            }

            var unexpected = held.Where(id => !x.Value.Contains(id)).ToList();
            if (unexpected.Count > 0)
            {
                v.UnexpectedInDeal(x.Key, unexpected);
            }

            if (readLog)
            {
                CheckLog(v, $"deal {x.Key}", x.Value, await ReadLogAsync(http, $"/api/deals/{x.Key}/events", ct));
            }
        });

        await Parallel.ForEachAsync(scenario.Partners.Select((p, i) => (p, i)), parallel, async (x, ct) =>
        {
            var http = nodes[x.i % nodes.Count];
            var partner = await GetAsync(http, $"/api/partners/{x.p}", ct);
            if (partner is null)
            {
                v.NotRead($"partner {x.p}");
                return;
            }

            var expected = byPartner.GetValueOrDefault(x.p) ?? [];
            v.PartnerCount(x.p, partner.Value.GetProperty("eventCount").GetInt64(), expected.Count);
            v.PartnerLeadOffersSeen(x.p, partner.Value.GetProperty("kpis").GetProperty("leadsOffered").GetInt32());
            if (readLog)
            {
                CheckLog(v, $"partner {x.p}", expected, await ReadLogAsync(http, $"/api/partners/{x.p}/events", ct));
            }
        });

        await Parallel.ForEachAsync(leads.Select((e, i) => (e, i)), parallel, async (x, ct) =>
        {
            var leadId = x.e.LeadId!;
            var http = nodes[x.i % nodes.Count];
            var (lead, status) = await GetWithStatusAsync(http, $"/api/leads/{leadId}", ct);
            if (status == HttpStatusCode.NotFound)
            {
                v.LeadMissing(leadId, x.e.Id);
                return;
            }

            if (lead is null)
            {
                v.NotRead($"lead {leadId}");
                return;
            }

            CheckLead(v, leadId, lead.Value);
            if (readLog)
            {
                CheckLog(v, $"lead {leadId}", [x.e.Id], await ReadLogAsync(http, $"/api/leads/{leadId}/events", ct));
            }
        });

        v.CompareOffers();
        return v;
    }

    private static void CheckLog(Verification v, string stream, IReadOnlyCollection<string> accepted, HashSet<string>? logged)
    {
        if (logged is null)
        {
            v.NotRead($"the log of {stream}");
            return;
        }

        var notLogged = accepted.Where(id => !logged.Contains(id)).ToList();
        if (notLogged.Count > 0)
        {
            v.NotInLog(stream, notLogged);
        }
    }

    /// <summary>
    /// A routed lead is offered to one partner at a time: its history has an offer for each partner it went to (never
    /// the same partner twice), one more offer than expiries and declines while it is offered, and the current offer last.
    /// </summary>
    private static void CheckLead(Verification v, string leadId, JsonElement lead)
    {
        var status = lead.GetProperty("status").GetString()!;
        var history = lead.GetProperty("history").EnumerateArray()
            .Select(h => (Partner: h.GetProperty("partnerId").GetString()!, Outcome: h.GetProperty("outcome").GetString()!)).ToList();
        var offers = history.Where(h => h.Outcome == "offered").ToList();
        v.LeadSeen(status, offers.Count);
        foreach (var offer in offers)
        {
            v.OffersInHistories.AddOrUpdate(offer.Partner, 1, (_, n) => n + 1);
        }

        var offeredTo = lead.TryGetProperty("offeredTo", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        if (offers.GroupBy(h => h.Partner, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            v.LeadDoubleOffered(leadId, $"offered to the same partner twice: {string.Join(", ", history.Select(h => $"{h.Partner} {h.Outcome}"))}");
            return;
        }

        switch (status)
        {
            case "offered":
                var ended = history.Count(h => h.Outcome is "expired" or "declined");
                if (offeredTo is null || offers.Count == 0 || offers[^1].Partner != offeredTo)
                {
                    v.LeadInconsistent(leadId, $"offered, but offeredTo {offeredTo ?? "(none)"} is not its latest offer");
                }
                else if (offers.Count != ended + 1)
                {
                    v.LeadDoubleOffered(leadId, $"{offers.Count} offers with {ended} of them ended: {string.Join(", ", history.Select(h => $"{h.Partner} {h.Outcome}"))}");
                }

                break;
            case "accepted" or "converted":
                if (!history.Any(h => h.Outcome == "accepted"))
                {
                    v.LeadInconsistent(leadId, $"{status} without an acceptance in its history");
                }

                break;
            case "unroutable":
                if (offeredTo is not null)
                {
                    v.LeadInconsistent(leadId, $"unroutable, yet offered to {offeredTo}");
                }

                break;
            default:
                v.LeadInconsistent(leadId, $"status '{status}' after the cluster settled: never routed");
                break;
        }
    }

    private static async Task<JsonElement?> GetAsync(HttpClient http, string path, CancellationToken ct) =>
        (await GetWithStatusAsync(http, path, ct)).Body;

    private static async Task<(JsonElement? Body, HttpStatusCode? Status)> GetWithStatusAsync(HttpClient http, string path, CancellationToken ct)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(15));
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cts.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (null, response.StatusCode);
            }

            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cts.Token));
            return (doc.RootElement.Clone(), response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return (null, null);
        }
    }

    /// <summary>The ids of a stream's events in the log, every page of it; null if it could not be read.</summary>
    private static async Task<HashSet<string>?> ReadLogAsync(HttpClient http, string path, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long after = 0;
        while (true)
        {
            var page = await GetAsync(http, $"{path}?after={after}&limit=1000", ct);
            if (page is null)
            {
                return null;
            }

            var events = page.Value.GetProperty("events").EnumerateArray().ToList();
            foreach (var e in events)
            {
                ids.Add(e.GetProperty("event").GetProperty("id").GetString()!);
                after = e.GetProperty("seq").GetInt64();
            }

            if (events.Count < 1000)
            {
                return ids;
            }
        }
    }
}
