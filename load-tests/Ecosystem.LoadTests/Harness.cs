using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.LoadTests;

/// <summary>
/// <c>dotnet run -c Release --project load-tests/Ecosystem.LoadTests -- latency|throughput|leads|deals [options]</c>
/// (see <see cref="Throughput"/>, <see cref="LeadStorm"/> and <see cref="IdleDeals"/> for theirs)
/// <list type="bullet">
/// <item><c>--url URL --key KEY</c>: target a running engine (admin key); otherwise one is started here.</item>
/// <item><c>--provider sqlite|postgres</c>, <c>--pg CONNECTION</c>: storage of the engine started here (default sqlite).</item>
/// <item><c>--events N</c> (default 200), <c>--interval-ms MS</c> (default 250): one event at a time, at low load.</item>
/// <item><c>--out FILE</c>: where the JSON report goes (default load-tests/results/latency-*.json).</item>
/// </list>
/// </summary>
public static class Harness
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        if (options.Scenario is not ("latency" or "leads" or "throughput" or "deals"))
        {
            Console.Error.WriteLine($"Unknown scenario '{options.Scenario}'. Scenarios: latency, throughput, leads, deals");
            return 2;
        }

        EngineProcess? engine = null;
        var url = options.Url;
        var key = options.Key ?? "load-admin-key-" + Guid.NewGuid().ToString("N");
        // More nodes: one Orleans cluster on the same PostgreSQL database; the throughput scenario spreads its requests
        // and watchers over them. The first node is the one whose memory and CPU are sampled.
        var others = new List<EngineProcess>();
        if (url is null)
        {
            if (options.Nodes > 1 && options.Provider != "postgres")
            {
                Console.Error.WriteLine("--nodes above 1 needs --provider postgres (nodes form a cluster through the database).");
                return 2;
            }

            var started = await Task.WhenAll(Enumerable.Range(0, options.Nodes).Select(_ => EngineProcess.StartAsync(options.Provider, options.Postgres, key)));
            engine = started[0];
            others.AddRange(started.Skip(1));
            url = engine.Url;
        }

        try
        {
            if (options.Scenario == "throughput")
            {
                var throughput = await Throughput.RunAsync([url, .. others.Select(o => o.Url)], key, options, args, engine);
                throughput.Print();
                await WriteReportAsync(options.Out ?? Path.Combine("load-tests", "results", $"throughput-{options.Provider}-{DateTime.UtcNow:yyyyMMddTHHmmss}.json"), throughput);
                return throughput.Lost == 0 && throughput.Errors == 0 && throughput.Rejected == 0 ? 0 : 1;
            }

            if (options.Scenario == "deals")
            {
                var idle = await IdleDeals.RunAsync(url, key, args, engine);
                idle.Print();
                await WriteReportAsync(options.Out ?? Path.Combine("load-tests", "results", $"deals-{options.Provider}-{DateTime.UtcNow:yyyyMMddTHHmmss}.json"), idle);
                return idle.Failed == 0 ? 0 : 1;
            }

            if (options.Scenario == "leads")
            {
                var storm = await LeadStorm.RunAsync(url, key, options, args, engine);
                storm.Print();
                await WriteReportAsync(options.Out ?? Path.Combine("load-tests", "results", $"leads-{DateTime.UtcNow:yyyyMMddTHHmmss}.json"), storm);
                return storm.Lost == 0 && storm.SampleMismatches == 0 ? 0 : 1;
            }

            var report = await PushLatencyAsync(url, key, options, engine);
            report.Print();
            var path = options.Out ?? Path.Combine("load-tests", "results", $"latency-{DateTime.UtcNow:yyyyMMddTHHmmss}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Indented));
            Console.WriteLine($"report: {path}");
            return report.Lost == 0 ? 0 : 1;
        }
        finally
        {
            if (engine is not null)
            {
                await engine.DisposeAsync();
            }

            foreach (var other in others)
            {
                await other.DisposeAsync();
            }
        }
    }

    private static async Task WriteReportAsync<T>(string path, T report)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Indented));
        Console.WriteLine($"report: {path}");
    }

    /// <summary>
    /// One watcher in one deal room; events sent one at a time at low load. Latency is measured from
    /// the moment the POST is sent to the moment the DealChanged push that reflects it arrives, so it
    /// includes the durable append, the grain update and the hop through the hub: an upper bound of
    /// "accepted → received".
    /// </summary>
    private static async Task<LatencyReport> PushLatencyAsync(Uri url, string key, Options options, EngineProcess? engine)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var run = Guid.NewGuid().ToString("N")[..8];
        var deal = $"lat-{run}";
        await PostAsync(http, [Event("deal.registered", $"{deal}-reg", deal, ("partnerId", "lat-partner"), ("accountId", $"{deal}.example"), ("amount", 1000m), ("currency", "USD"))]);

        var pushes = Channel.CreateUnbounded<(int TimelineLength, long At)>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(url, "/hubs/ecosystem"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
            .Build();
        hub.On<JsonElement>("DealChanged", view =>
            pushes.Writer.TryWrite((view.GetProperty("timeline").GetArrayLength(), Stopwatch.GetTimestamp())));
        await hub.StartAsync();
        var joined = await hub.InvokeAsync<JsonElement>("JoinDeal", deal);
        var timeline = joined.GetProperty("timeline").GetArrayLength();

        var latencies = new List<double>(options.Events);
        var lost = 0;
        for (var i = 0; i < options.Events; i++)
        {
            var expected = timeline + 1;
            var sent = Stopwatch.GetTimestamp();
            await PostAsync(http, [Event("deal.touch", $"{deal}-t{i}", deal, ("partnerId", $"lat-p{i % 10}"), ("role", "influenced"))]);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                while (true)
                {
                    var (length, at) = await pushes.Reader.ReadAsync(wait.Token);
                    if (length >= expected)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
                        break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                lost++;
            }

            timeline = expected;
            await Task.Delay(options.IntervalMs);
        }

        var usage = engine?.Usage();
        return new LatencyReport(
            Scenario: "latency",
            Provider: engine is null ? "external" : options.Provider,
            Events: options.Events,
            Received: latencies.Count,
            Lost: lost,
            P50Ms: Percentile(latencies, 50),
            P95Ms: Percentile(latencies, 95),
            P99Ms: Percentile(latencies, 99),
            MaxMs: latencies.Count == 0 ? 0 : latencies.Max(),
            ServerRssMb: usage is null ? null : Math.Round(usage.Value.RssBytes / 1048576.0, 1),
            ServerCpuSeconds: usage is null ? null : Math.Round(usage.Value.CpuSeconds, 2),
            Machine: $"{Environment.ProcessorCount} cores, {Environment.OSVersion}");
    }

    private static Dictionary<string, object> Event(string type, string id, string dealId, params (string Key, object Value)[] fields)
    {
        var e = new Dictionary<string, object>
        {
            ["id"] = id,
            ["type"] = type,
            ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["dealId"] = dealId,
        };
        foreach (var (k, v) in fields)
        {
            e[k] = v;
        }

        return e;
    }

    private static async Task PostAsync(HttpClient http, object[] events)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/api/events", UriKind.Relative), events);
        response.EnsureSuccessStatusCode();
    }

    public static double Percentile(List<double> values, int p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return Math.Round(sorted[Math.Clamp(rank, 0, sorted.Count - 1)], 2);
    }
}

public sealed record LatencyReport(
    string Scenario, string Provider, int Events, int Received, int Lost,
    double P50Ms, double P95Ms, double P99Ms, double MaxMs, double? ServerRssMb, double? ServerCpuSeconds, string Machine)
{
    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("| scenario | provider | events | pushes received | lost | p50 ms | p95 ms | p99 ms | max ms | server RSS MB | server CPU s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Scenario} | {Provider} | {Events} | {Received} | {Lost} | {P50Ms} | {P95Ms} | {P99Ms} | {MaxMs:0.##} | {ServerRssMb} | {ServerCpuSeconds} |"));
    }
}

internal sealed record Options(string Scenario, Uri? Url, string? Key, string Provider, string? Postgres, int Events, int IntervalMs, string? Out, int Nodes = 1)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        return new Options(
            Scenario: args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "latency",
            Url: Value("--url") is { } u ? new Uri(u) : null,
            Key: Value("--key"),
            Provider: Value("--provider") ?? "sqlite",
            Postgres: Value("--pg"),
            Events: int.Parse(Value("--events") ?? "200", CultureInfo.InvariantCulture),
            IntervalMs: int.Parse(Value("--interval-ms") ?? "250", CultureInfo.InvariantCulture),
            Out: Value("--out"),
            Nodes: int.Parse(Value("--nodes") ?? "1", CultureInfo.InvariantCulture));
    }
}
