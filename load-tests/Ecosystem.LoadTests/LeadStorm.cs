using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.LoadTests;

/// <summary>
/// <c>dotnet run -c Release --project load-tests/Ecosystem.LoadTests -- leads [options]</c>: a storm of leads into
/// one region of routable partners, watched live.
/// <list type="bullet">
/// <item><c>--partners P</c> (default 1,000): partners of one fresh region, each PUT with <c>--capacity C</c>
/// (default 100) and its program terms signed (<c>agreement.signed</c>, <c>program_terms</c>).</item>
/// <item><c>--watchers W</c> (default 20): SignalR connections with the admin key; together they call
/// <c>WatchPartner</c> for every partner (each partner watched by exactly one), so every offer is a push someone expects.</item>
/// <item><c>--leads N</c> (default 10,000) <c>lead.submitted</c> events, <c>--batch B</c> (default 100) per POST,
/// <c>--concurrency K</c> (default 4) POSTs in flight. Nobody answers: every lead should end up offered once.</item>
/// <item>Plus the common <c>--url/--key</c>, <c>--provider/--pg</c> and <c>--out</c> (default load-tests/results/leads-*.json).</item>
/// </list>
/// Measured: leads routed per second (LeadOffered pushes received per second: overall from the first POST, and
/// sustained over the middle 80% of the offers), the time from a lead's POST being answered ("accepted", durable) to its
/// LeadOffered arriving (p50/p99; routing runs before the answer is sent, so an offer often arrives first and
/// counts as 0), the time from the POST being sent, and pushes expected against received.
/// </summary>
internal static class LeadStorm
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    public static async Task<LeadStormReport> RunAsync(Uri url, string key, Options options, string[] args, EngineProcess? engine)
    {
        var partners = Args.Int(args, "--partners", 1_000);
        var watchers = Math.Clamp(Args.Int(args, "--watchers", 20), 1, partners);
        var leads = Args.Int(args, "--leads", 10_000);
        var batch = Math.Clamp(Args.Int(args, "--batch", 100), 1, 1_000);
        var concurrency = Math.Max(1, Args.Int(args, "--concurrency", 4));
        var capacity = Args.Int(args, "--capacity", 100);

        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var run = Guid.NewGuid().ToString("N")[..8];
        var region = $"storm-{run}";
        var partnerIds = Enumerable.Range(0, partners).Select(i => $"storm-{run}-p{i:D5}").ToArray();

        // ---- Set-up: partners, program terms, watchers ------------------------------------------------
        var setup = Stopwatch.StartNew();
        await Parallel.ForEachAsync(partnerIds, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
        {
            using var response = await http.PutAsJsonAsync(new Uri($"/api/partners/{id}", UriKind.Relative),
                new { name = "Storm partner " + id, partnerType = "solutions", region, acceptsLeads = true, capacity }, ct);
            response.EnsureSuccessStatusCode();
        });
        var terms = partnerIds.Select(id => new Dictionary<string, object>
        {
            ["id"] = $"{id}-terms", ["type"] = "agreement.signed", ["occurredAt"] = Now(), ["partnerId"] = id,
            ["document"] = "program_terms", ["version"] = "2026-01",
        }).ToArray();
        await Parallel.ForEachAsync(terms.Chunk(250), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (chunk, ct) =>
            await PostAsync(http, chunk, ct));
        var partnersSeconds = setup.Elapsed.TotalSeconds;

        var offers = new ConcurrentDictionary<string, (string PartnerId, long At)>(StringComparer.Ordinal);
        var duplicates = 0;
        var foreign = 0;
        var partnerChanged = 0L;
        var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var leadPrefix = $"storm-{run}-lead-";
        var connections = new List<HubConnection>(watchers);
        try
        {
            for (var w = 0; w < watchers; w++)
            {
                var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(url, "/hubs/ecosystem"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
                    .Build();
                hub.On<JsonElement>("LeadOffered", offer =>
                {
                    var at = Stopwatch.GetTimestamp();
                    var leadId = offer.GetProperty("leadId").GetString()!;
                    if (!leadId.StartsWith(leadPrefix, StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref foreign);
                        return;
                    }

                    if (!offers.TryAdd(leadId, (offer.GetProperty("partnerId").GetString()!, at)))
                    {
                        Interlocked.Increment(ref duplicates);
                    }
                    else if (offers.Count >= leads)
                    {
                        allIn.TrySetResult();
                    }
                });
                hub.On<JsonElement>("PartnerChanged", _ => Interlocked.Increment(ref partnerChanged));
                connections.Add(hub);
            }

            await Task.WhenAll(connections.Select(c => c.StartAsync()));
            // Partner i is watched by connection i mod W: every partner by exactly one watcher.
            await Task.WhenAll(connections.Select(async (c, w) =>
            {
                for (var i = w; i < partners; i += watchers)
                {
                    await c.InvokeAsync<JsonElement>("WatchPartner", partnerIds[i]);
                }
            }));
            var setupSeconds = setup.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"set-up: {partners} partners in {partnersSeconds:0.0} s, {watchers} watchers on all of them after {setupSeconds:0.0} s; storming {leads} leads..."));

            // ---- The storm ------------------------------------------------------------------------
            var sentAt = new long[leads];
            var answeredAt = new long[leads];
            var usageBefore = engine?.Usage();
            var start = Stopwatch.GetTimestamp();
            var batches = Enumerable.Range(0, (leads + batch - 1) / batch).ToArray();
            var rejected = 0;
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (b, ct) =>
            {
                var from = b * batch;
                var to = Math.Min(leads, from + batch);
                var events = new object[to - from];
                for (var i = from; i < to; i++)
                {
                    events[i - from] = new Dictionary<string, object>
                    {
                        ["id"] = $"{leadPrefix}{i}-submitted", ["type"] = "lead.submitted", ["occurredAt"] = Now(),
                        ["leadId"] = $"{leadPrefix}{i}", ["accountId"] = $"acct{i}.{region}.example", ["region"] = region,
                        ["source"] = "marketing",
                    };
                }

                var sent = Stopwatch.GetTimestamp();
                var statuses = await PostAsync(http, events, ct);
                var answered = Stopwatch.GetTimestamp();
                Interlocked.Add(ref rejected, statuses.Count(s => s != "accepted"));
                for (var i = from; i < to; i++)
                {
                    sentAt[i] = sent;
                    answeredAt[i] = answered;
                }
            });
            var postsDone = Stopwatch.GetTimestamp();
            await Task.WhenAny(allIn.Task, Task.Delay(DrainTimeout));
            var usageAfter = engine?.Usage();

            // ---- Figures --------------------------------------------------------------------------
            var sinceAnswer = new List<double>(leads);
            var sinceSend = new List<double>(leads);
            var beforeAnswer = 0;
            var arrivals = new List<long>(leads);
            for (var i = 0; i < leads; i++)
            {
                if (!offers.TryGetValue($"{leadPrefix}{i}", out var offer))
                {
                    continue;
                }

                arrivals.Add(offer.At);
                var ms = Stopwatch.GetElapsedTime(answeredAt[i], offer.At).TotalMilliseconds;
                if (offer.At < answeredAt[i])
                {
                    beforeAnswer++;
                    ms = 0;
                }

                sinceAnswer.Add(ms);
                sinceSend.Add(Stopwatch.GetElapsedTime(sentAt[i], offer.At).TotalMilliseconds);
            }

            arrivals.Sort();
            var received = arrivals.Count;
            var routingSeconds = received == 0 ? 0 : Stopwatch.GetElapsedTime(start, arrivals[^1]).TotalSeconds;
            var perPartner = offers.Values.GroupBy(o => o.PartnerId, StringComparer.Ordinal).Select(g => g.Count()).ToList();
            var sample = await VerifySampleAsync(http, leadPrefix, leads, offers);

            return new LeadStormReport(
                Scenario: "leads",
                Provider: engine is null ? "external" : options.Provider,
                Partners: partners,
                Watchers: watchers,
                Leads: leads,
                Batch: batch,
                Concurrency: concurrency,
                Rejected: rejected,
                SetupSeconds: Math.Round(setupSeconds, 1),
                IntakeLeadsPerSecond: Math.Round(leads / Stopwatch.GetElapsedTime(start, postsDone).TotalSeconds, 1),
                RoutedPerSecond: routingSeconds == 0 ? 0 : Math.Round(received / routingSeconds, 1),
                SustainedRoutedPerSecond: SustainedRate(arrivals),
                PushesExpected: leads,
                PushesReceived: received,
                Lost: leads - received,
                DuplicatePushes: duplicates,
                AnswerToOfferP50Ms: Harness.Percentile(sinceAnswer, 50),
                AnswerToOfferP99Ms: Harness.Percentile(sinceAnswer, 99),
                OffersBeforeAnswer: beforeAnswer,
                SendToOfferP50Ms: Harness.Percentile(sinceSend, 50),
                SendToOfferP99Ms: Harness.Percentile(sinceSend, 99),
                SendToOfferMaxMs: sinceSend.Count == 0 ? 0 : Math.Round(sinceSend.Max(), 2),
                PartnersOffered: perPartner.Count,
                OffersPerPartnerMin: perPartner.Count == 0 ? 0 : perPartner.Min(),
                OffersPerPartnerMax: perPartner.Count == 0 ? 0 : perPartner.Max(),
                PartnerChangedPushes: Interlocked.Read(ref partnerChanged),
                RoutedPerTenSeconds: PerTenSeconds(start, arrivals),
                SampleChecked: sample.Checked,
                SampleMismatches: sample.Mismatches,
                ServerRssMb: usageAfter is null ? null : Math.Round(usageAfter.Value.RssBytes / 1048576.0, 1),
                ServerCpuSecondsDuringStorm: usageAfter is null || usageBefore is null ? null : Math.Round(usageAfter.Value.CpuSeconds - usageBefore.Value.CpuSeconds, 2),
                Machine: $"{Environment.ProcessorCount} cores, {Environment.OSVersion}");
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>
    /// Routing as the API reports it: for up to 200 leads spread over the run, GET /api/leads/{id} must say
    /// "offered" to the partner whose watcher got the push (or, for a lead with no push, anything but offered would show a loss).
    /// </summary>
    private static async Task<(int Checked, int Mismatches)> VerifySampleAsync(
        HttpClient http, string leadPrefix, int leads, ConcurrentDictionary<string, (string PartnerId, long At)> offers)
    {
        var step = Math.Max(1, leads / 200);
        var mismatches = 0;
        var checkedCount = 0;
        for (var i = 0; i < leads; i += step)
        {
            var leadId = $"{leadPrefix}{i}";
            var lead = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/leads/{leadId}", UriKind.Relative));
            var status = lead.GetProperty("status").GetString();
            var offeredTo = lead.TryGetProperty("offeredTo", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            checkedCount++;
            if (status != "offered" || !offers.TryGetValue(leadId, out var pushed) || pushed.PartnerId != offeredTo)
            {
                mismatches++;
                Console.Error.WriteLine($"sample mismatch: {leadId} is {status} to {offeredTo}; pushed to {(offers.TryGetValue(leadId, out var p) ? p.PartnerId : "nobody")}");
            }
        }

        return (checkedCount, mismatches);
    }

    /// <summary>Offers received in each 10-second window from the first POST on: whether the rate holds or sags as the run goes on.</summary>
    private static List<int> PerTenSeconds(long start, List<long> sortedArrivals)
    {
        var windows = new List<int>();
        foreach (var at in sortedArrivals)
        {
            var window = (int)(Stopwatch.GetElapsedTime(start, at).TotalSeconds / 10);
            while (windows.Count <= window)
            {
                windows.Add(0);
            }

            windows[window]++;
        }

        return windows;
    }

    /// <summary>
    /// The rate between the 10th and the 90th percentile arrival: the steady middle of the run, without the ramp-up
    /// and the tail. (Offers arrive in bursts of a batch, so a per-second figure would swing with the batching.)
    /// </summary>
    private static double SustainedRate(List<long> sortedArrivals)
    {
        var count = sortedArrivals.Count;
        if (count < 10)
        {
            return 0;
        }

        var (low, high) = (count / 10, (count * 9 / 10) - 1);
        var seconds = Stopwatch.GetElapsedTime(sortedArrivals[low], sortedArrivals[high]).TotalSeconds;
        return seconds <= 0 ? 0 : Math.Round((high - low) / seconds, 1);
    }

    private static async Task<string[]> PostAsync(HttpClient http, object[] events, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/api/events", UriKind.Relative), events, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return [.. body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()!)];
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}

public sealed record LeadStormReport(
    string Scenario, string Provider, int Partners, int Watchers, int Leads, int Batch, int Concurrency, int Rejected,
    double SetupSeconds, double IntakeLeadsPerSecond, double RoutedPerSecond, double SustainedRoutedPerSecond,
    int PushesExpected, int PushesReceived, int Lost, int DuplicatePushes,
    double AnswerToOfferP50Ms, double AnswerToOfferP99Ms, int OffersBeforeAnswer,
    double SendToOfferP50Ms, double SendToOfferP99Ms, double SendToOfferMaxMs,
    int PartnersOffered, int OffersPerPartnerMin, int OffersPerPartnerMax, long PartnerChangedPushes,
    IReadOnlyList<int> RoutedPerTenSeconds, int SampleChecked, int SampleMismatches,
    double? ServerRssMb, double? ServerCpuSecondsDuringStorm, string Machine)
{
    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("| scenario | provider | partners | watchers | leads | batch × in flight | routed/s (overall) | routed/s (sustained, middle 80%) | intake leads/s | pushes expected | received | lost | accepted→offered p50 ms | p99 ms | sent→offered p50 ms | p99 ms | max ms | server RSS MB | server CPU s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Scenario} | {Provider} | {Partners} | {Watchers} | {Leads} | {Batch} × {Concurrency} | {RoutedPerSecond} | {SustainedRoutedPerSecond} | {IntakeLeadsPerSecond} | {PushesExpected} | {PushesReceived} | {Lost} | {AnswerToOfferP50Ms} | {AnswerToOfferP99Ms} | {SendToOfferP50Ms} | {SendToOfferP99Ms} | {SendToOfferMaxMs} | {ServerRssMb} | {ServerCpuSecondsDuringStorm} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"offers before the POST was answered: {OffersBeforeAnswer} of {PushesReceived} (counted as 0 ms); duplicate pushes {DuplicatePushes}; rejected events {Rejected}; " +
            $"partners offered {PartnersOffered} (offers per partner {OffersPerPartnerMin}-{OffersPerPartnerMax}); PartnerChanged pushes {PartnerChangedPushes}; " +
            $"GET sample {SampleChecked} leads, {SampleMismatches} mismatches; set-up {SetupSeconds} s"));
        Console.WriteLine($"offers per 10 s from the first POST: {string.Join(' ', RoutedPerTenSeconds)}");
    }
}
