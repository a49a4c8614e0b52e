using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ecosystem.LoadTests;

/// <summary>
/// <c>dotnet run -c Release --project load-tests/Ecosystem.LoadTests -- deals [options]</c>: many deals, each
/// registered once and touched once, then left idle; measures what an activated deal costs in memory.
/// <list type="bullet">
/// <item><c>--deals N</c> (default 100,000), <c>--partners P</c> (default 1,000), <c>--batch B</c> (default 1,000),
/// <c>--concurrency K</c> (default 4), <c>--hold-seconds S</c> (keep the engine running after measuring, for a heap dump).</item>
/// </list>
/// Reported: the engine's RSS before the first deal and after the last (after a short settle), the difference per
/// deal, the live deal activations the cluster reports (<c>GET /api/admin/cluster</c>), and registrations per second.
/// </summary>
internal static class IdleDeals
{
    public static async Task<IdleDealsReport> RunAsync(Uri url, string key, string[] args, EngineProcess? engine)
    {
        var deals = Args.Int(args, "--deals", 100_000);
        var partners = Args.Int(args, "--partners", 1_000);
        var batch = Math.Clamp(Args.Int(args, "--batch", 1_000), 1, 1_000);
        var concurrency = Math.Max(1, Args.Int(args, "--concurrency", 4));
        var run = Guid.NewGuid().ToString("N")[..8];
        using var http = Http.Client(url, key, concurrency + 2);
        var partnerIds = Enumerable.Range(0, partners).Select(i => $"idle-{run}-p{i:D5}").ToArray();
        var dealIds = Enumerable.Range(0, deals).Select(i => $"idle-{run}-d{i:D7}").ToArray();

        await Parallel.ForEachAsync(partnerIds, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            using var body = Http.Json(new { name = "Idle partner " + id, partnerType = "solutions", region = "idle" });
            using var response = await http.PutAsync(new Uri($"/api/partners/{id}", UriKind.Relative), body, ct);
            response.EnsureSuccessStatusCode();
        });

        var before = await SettledRssAsync(engine);
        var dealsBefore = await DealActivationsAsync(http);
        var failed = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(dealIds.Chunk(batch).Select((chunk, n) => (chunk, n)), new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (c, ct) =>
            {
                var (registered, _) = await Http.PostEventsAsync(http, EventWriter.Registrations(c.chunk, partnerIds, c.n * batch), ct);
                var (touched, _) = await Http.PostEventsAsync(http, Touches(c.chunk, partnerIds, c.n * batch + 1), ct);
                Interlocked.Add(ref failed, c.chunk.Length * 2 - registered.Accepted - touched.Accepted);
            });
        var seconds = clock.Elapsed.TotalSeconds;
        var after = await SettledRssAsync(engine);
        var dealsAfter = await DealActivationsAsync(http);
        if (Args.Int(args, "--hold-seconds", 0) is > 0 and var hold)
        {
            // Time to look inside the engine (dotnet-gcdump, dotnet-counters) before it is stopped.
            Console.WriteLine($"holding the engine (pid {engine?.Pid}) for {hold} s");
            await Task.Delay(TimeSpan.FromSeconds(hold));
        }

        return new IdleDealsReport(
            Scenario: "deals",
            Deals: deals,
            DealActivations: dealsAfter - dealsBefore,
            Failed: failed,
            RegistrationsPerSecond: Math.Round(deals / seconds),
            RssBeforeMb: before is null ? null : Math.Round(before.Value / 1048576.0, 1),
            RssAfterMb: after is null ? null : Math.Round(after.Value / 1048576.0, 1),
            KbPerDeal: before is null || after is null ? null : Math.Round((after.Value - before.Value) / 1024.0 / deals, 2),
            Machine: $"{Environment.ProcessorCount} cores, {Environment.OSVersion}");
    }

    private static byte[] Touches(string[] dealIds, string[] partnerIds, int offset)
    {
        var events = dealIds.Select((d, i) => new Dictionary<string, object>
        {
            ["id"] = d + "-touch", ["type"] = "deal.touch", ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["dealId"] = d, ["partnerId"] = partnerIds[(offset + i) % partnerIds.Length], ["role"] = "influenced",
        });
        return JsonSerializer.SerializeToUtf8Bytes(events);
    }

    /// <summary>RSS once the engine has had a few seconds without work (timers, checkpoints and GC settle).</summary>
    private static async Task<long?> SettledRssAsync(EngineProcess? engine)
    {
        if (engine is null)
        {
            return null;
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        return ResourceSampler.Rss(engine.Pid);
    }

    private static async Task<int> DealActivationsAsync(HttpClient http)
    {
        var cluster = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/admin/cluster", UriKind.Relative));
        // Orleans names grain types after their class ("deal" for DealGrain); older builds reported the class name.
        return cluster.GetProperty("activations").EnumerateObject()
            .Where(p => p.Name is "deal" or "DealGrain")
            .Sum(p => p.Value.GetInt32());
    }
}

public sealed record IdleDealsReport(
    string Scenario, int Deals, int DealActivations, int Failed, double RegistrationsPerSecond,
    double? RssBeforeMb, double? RssAfterMb, double? KbPerDeal, string Machine)
{
    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("| deals | deal activations | failed | registrations/s | RSS before MB | RSS after MB | KB per deal |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Deals} | {DealActivations} | {Failed} | {RegistrationsPerSecond} | {RssBeforeMb} | {RssAfterMb} | {KbPerDeal} |"));
    }
}
