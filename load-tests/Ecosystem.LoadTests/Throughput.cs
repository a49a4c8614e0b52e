using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.LoadTests;

/// <summary>
/// <c>dotnet run -c Release --project load-tests/Ecosystem.LoadTests -- throughput [options]</c>: the steady
/// co-selling mix (touches, stage and amount changes, chat, a few closes) over many deals, some of them watched.
/// <list type="bullet">
/// <item><c>--partners P</c> (default 200) and <c>--deals D</c> (default 5,000): each deal registered by one partner on its own account.</item>
/// <item><c>--watchers W</c> (default 500): SignalR connections, each in the room of one deal (the first W deals).</item>
/// <item><c>--batch B</c> (default 500) events per POST, <c>--concurrency K</c> (default 4) POSTs in flight.</item>
/// <item><c>--rate R</c> events per second (default 0: flat out), for <c>--seconds T</c> (default 60), of which
/// the first <c>--warmup S</c> (default 5) are not counted in the sustained rate.</item>
/// <item><c>--baseline-seconds N</c> (default 20; 0 skips it): with PostgreSQL, the same kind of events written
/// straight into a plain table by Npgsql, in batches of B with K connections, flat out, before the engine run.</item>
/// </list>
/// Push latency is measured per event of a watched deal: from the moment the server accepted it (the timeline
/// entry's <c>acceptedAt</c>; the harness runs on the same machine and clock) to the moment the first
/// <c>DealChanged</c> that holds it arrives. An event of a watched deal that no push ever shows is lost.
/// </summary>
internal static class Throughput
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public static async Task<ThroughputReport> RunAsync(IReadOnlyList<Uri> urls, string key, Options options, string[] args, EngineProcess? engine)
    {
        var partners = Args.Int(args, "--partners", 200);
        var deals = Args.Int(args, "--deals", 5_000);
        var watchers = Math.Clamp(Args.Int(args, "--watchers", 500), 0, deals);
        var batch = Math.Clamp(Args.Int(args, "--batch", 500), 1, 1_000);
        var concurrency = Math.Max(1, Args.Int(args, "--concurrency", 4));
        var rate = Args.Int(args, "--rate", 0);
        var seconds = Args.Int(args, "--seconds", 60);
        var warmup = Math.Min(Args.Int(args, "--warmup", 5), seconds - 1);
        var baselineSeconds = Args.Int(args, "--baseline-seconds", 20);
        var run = Guid.NewGuid().ToString("N")[..8];

        // ---- Baseline: the database alone -----------------------------------------------------------
        BaselineResult? baseline = null;
        if (options.Postgres is { } pg && baselineSeconds > 0)
        {
            Console.WriteLine($"baseline: raw Npgsql inserts, batches of {batch}, {concurrency} connections, {baselineSeconds} s ...");
            baseline = await RawBaseline.RunAsync(pg, batch, concurrency, TimeSpan.FromSeconds(baselineSeconds), run);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline: {baseline.EventsPerSecond:0} events/s"));
        }

        var url = urls[0];
        var clients = urls.Select(u => Http.Client(u, key, concurrency + 8)).ToList();
        using var http = clients[0];
        // The server's connection count, sampled through set-up and run: what a node's connection budget holds it to.
        await using var connectionCount = options.Postgres is { } database ? PostgresConnections.Start(database) : null;
        var dealIds = Enumerable.Range(0, deals).Select(i => $"tp-{run}-d{i:D6}").ToArray();
        var partnerIds = Enumerable.Range(0, partners).Select(i => $"tp-{run}-p{i:D4}").ToArray();

        // ---- Set-up: partners, deals, watchers ------------------------------------------------------
        var setup = Stopwatch.StartNew();
        await Parallel.ForEachAsync(partnerIds, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            using var body = Http.Json(new { name = "Load partner " + id, partnerType = "solutions", region = "load" });
            using var response = await http.PutAsync(new Uri($"/api/partners/{id}", UriKind.Relative), body, ct);
            response.EnsureSuccessStatusCode();
        });
        await Parallel.ForEachAsync(dealIds.Chunk(250).Select((chunk, n) => (chunk, n)), new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (c, ct) =>
            {
                var (statuses, _) = await Http.PostEventsAsync(http, EventWriter.Registrations(c.chunk, partnerIds, c.n * 250), ct);
                if (statuses.Accepted + statuses.Duplicate != c.chunk.Length)
                {
                    throw new InvalidOperationException($"Registering deals: {statuses}");
                }
            });

        var tracker = new PushTracker();
        var connections = new List<HubConnection>(watchers);
        try
        {
            for (var i = 0; i < watchers; i++)
            {
                var dealId = dealIds[i];
                var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(urls[i % urls.Count], "/hubs/ecosystem"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
                    .Build();
                hub.On<JsonElement>("DealChanged", view => tracker.Seen(view));
                connections.Add(hub);
            }

            await Parallel.ForEachAsync(connections.Select((c, i) => (c, i)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (x, ct) =>
            {
                await x.c.StartAsync(ct);
                var view = await x.c.InvokeAsync<JsonElement>("JoinDeal", dealIds[x.i], ct);
                tracker.Watch(dealIds[x.i], view);
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"set-up: {partners} partners, {deals} deals, {watchers} watchers in {setup.Elapsed.TotalSeconds:0.0} s"));

            // ---- The run ----------------------------------------------------------------------------
            var usageBefore = engine?.Usage();
            using var sampler = engine is null ? null : ResourceSampler.Start(engine);
            var mix = new EventMix(run, dealIds, partnerIds);
            var stats = new RunStats(seconds);
            var clock = Stopwatch.StartNew();
            var end = TimeSpan.FromSeconds(seconds);
            var next = 0L;
            var senders = Enumerable.Range(0, concurrency).Select(sender => Task.Run(async () =>
            {
                var client = clients[sender % clients.Count];
                while (true)
                {
                    var n = Interlocked.Increment(ref next) - 1;
                    if (rate > 0)
                    {
                        // Batch n is due at n·B/R seconds: a fixed schedule, so a slow answer shows as latency, not as a lower rate.
                        var due = TimeSpan.FromSeconds(n * (double)batch / rate);
                        if (due >= end)
                        {
                            return;
                        }

                        var wait = due - clock.Elapsed;
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait);
                        }
                    }
                    else if (clock.Elapsed >= end)
                    {
                        return;
                    }

                    var (body, events) = mix.NextBatch(batch);
                    var sent = clock.Elapsed;
                    try
                    {
                        var (statuses, elapsed) = await Http.PostEventsAsync(client, body, CancellationToken.None);
                        stats.Record(clock.Elapsed, elapsed.TotalMilliseconds, statuses);
                        tracker.Sent(events, statuses.Accepted == events.Count);
                    }
                    catch (Exception ex)
                    {
                        stats.Error(clock.Elapsed, ex);
                        tracker.Sent(events, false);
                    }
                }
            })).ToList();
            await Task.WhenAll(senders);
            var duration = clock.Elapsed;
            var usageAfter = engine?.Usage();

            Console.WriteLine("run over; waiting for the last pushes ...");
            var lost = await tracker.DrainAsync(DrainTimeout);
            var peak = sampler is null ? (long?)null : await sampler.StopAsync();

            var sustained = stats.AcceptedBetween(warmup, seconds) / (double)(seconds - warmup);
            return new ThroughputReport(
                Scenario: "throughput",
                Provider: engine is null ? "external" : options.Provider,
                Partners: partners,
                Deals: deals,
                Watchers: watchers,
                Batch: batch,
                Concurrency: concurrency,
                TargetRate: rate,
                Seconds: Math.Round(duration.TotalSeconds, 1),
                Accepted: stats.Accepted,
                AcceptedPerSecondSustained: Math.Round(sustained),
                AcceptedPerSecondOverall: Math.Round(stats.Accepted / duration.TotalSeconds),
                HttpP50Ms: Harness.Percentile(stats.BatchMs, 50),
                HttpP99Ms: Harness.Percentile(stats.BatchMs, 99),
                PushesExpected: tracker.Expected,
                PushesReceived: tracker.Received,
                Lost: lost,
                PushP50Ms: Harness.Percentile(tracker.Latencies, 50),
                PushP95Ms: Harness.Percentile(tracker.Latencies, 95),
                PushP99Ms: Harness.Percentile(tracker.Latencies, 99),
                PushMaxMs: tracker.Latencies.Count == 0 ? 0 : Math.Round(tracker.Latencies.Max(), 1),
                Errors: stats.Errors,
                Rejected: stats.Rejected,
                FirstError: stats.FirstError,
                ServerPeakRssMb: peak is null ? null : Math.Round(peak.Value / 1048576.0, 1),
                ServerCpuSeconds: usageBefore is null || usageAfter is null ? null : Math.Round(usageAfter.Value.CpuSeconds - usageBefore.Value.CpuSeconds, 1),
                BaselineEventsPerSecond: baseline is null ? null : Math.Round(baseline.EventsPerSecond),
                RatioToBaseline: baseline is null ? null : Math.Round(sustained / baseline.EventsPerSecond, 3),
                Machine: $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
                Nodes: urls.Count,
                PostgresConnectionsPeak: connectionCount is null ? null : await connectionCount.StopAsync());
        }
        finally
        {
            foreach (var client in clients.Skip(1))
            {
                client.Dispose();
            }

            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }
        }
    }

    /// <summary>Which events of watched deals are waiting for a push, and how long pushes took.</summary>
    private sealed class PushTracker
    {
        private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
        private int _expected;
        private int _received;
        private readonly Lock _gate = new();

        public List<double> Latencies { get; } = [];
        public int Expected => Volatile.Read(ref _expected);
        public int Received => Volatile.Read(ref _received);

        public bool IsWatched(string dealId) => _rooms.ContainsKey(dealId);

        public void Watch(string dealId, JsonElement view)
        {
            var room = new Room();
            foreach (var entry in view.GetProperty("timeline").EnumerateArray())
            {
                room.Known.Add(entry.GetProperty("event").GetProperty("id").GetString()!);
            }

            _rooms[dealId] = room;
        }

        /// <summary>Called once a POST is answered: events accepted are now owed a push (unless one already showed them).</summary>
        public void Sent(List<(string DealId, string EventId)> events, bool allAccepted)
        {
            foreach (var (dealId, eventId) in events)
            {
                if (!_rooms.TryGetValue(dealId, out var room))
                {
                    continue;
                }

                lock (room)
                {
                    // A rejected or failed POST owes nothing: only count what was surely accepted.
                    if (!allAccepted)
                    {
                        room.Pending.Remove(eventId);
                        continue;
                    }

                    Interlocked.Increment(ref _expected);
                    if (!room.Known.Contains(eventId))
                    {
                        room.Pending.Add(eventId);
                    }
                    else
                    {
                        Interlocked.Increment(ref _received);
                    }
                }
            }
        }

        public void Seen(JsonElement view)
        {
            var now = DateTimeOffset.UtcNow;
            var dealId = view.GetProperty("dealId").GetString()!;
            if (!_rooms.TryGetValue(dealId, out var room))
            {
                return;
            }

            var fresh = new List<double>();
            lock (room)
            {
                foreach (var entry in view.GetProperty("timeline").EnumerateArray())
                {
                    var id = entry.GetProperty("event").GetProperty("id").GetString()!;
                    if (!room.Known.Add(id))
                    {
                        continue;
                    }

                    var accepted = entry.GetProperty("acceptedAt").GetDateTimeOffset();
                    fresh.Add(Math.Max(0, (now - accepted).TotalMilliseconds));
                    if (room.Pending.Remove(id))
                    {
                        Interlocked.Increment(ref _received);
                    }
                }
            }

            if (fresh.Count > 0)
            {
                lock (_gate)
                {
                    Latencies.AddRange(fresh);
                }
            }
        }

        /// <summary>Counts events known accepted and not yet shown once pushes stop coming, or after the timeout.</summary>
        public async Task<int> DrainAsync(TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < timeout && _rooms.Values.Sum(r => { lock (r) { return r.Pending.Count; } }) > 0)
            {
                await Task.Delay(100);
            }

            return _rooms.Values.Sum(r => { lock (r) { return r.Pending.Count; } });
        }

        private sealed class Room
        {
            public HashSet<string> Known { get; } = new(StringComparer.Ordinal);
            public HashSet<string> Pending { get; } = new(StringComparer.Ordinal);
        }
    }

    /// <summary>The co-selling mix: half touches (each deal with its own three partners), a fifth chat, stage and amount changes, one close in a thousand.</summary>
    internal sealed class EventMix(string run, string[] dealIds, string[] partnerIds)
    {
        private long _seq;

        public (byte[] Body, List<(string DealId, string EventId)> Events) NextBatch(int size)
        {
            var first = Interlocked.Add(ref _seq, size) - size;
            var buffer = new ArrayBufferWriter<byte>(size * 220);
            var events = new List<(string, string)>(size);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartArray();
                var now = DateTimeOffset.UtcNow;
                for (var i = 0; i < size; i++)
                {
                    var n = first + i;
                    var random = (ulong)n * 0x9E3779B97F4A7C15UL;
                    var deal = (int)(random % (ulong)dealIds.Length);
                    var dealId = dealIds[deal];
                    var id = $"tp-{run}-e{n}";
                    events.Add((dealId, id));
                    w.WriteStartObject();
                    w.WriteString("id", id);
                    w.WriteString("occurredAt", now);
                    w.WriteString("dealId", dealId);
                    switch ((random >> 32) % 1000)
                    {
                        case < 500:
                            // A deal works with a few partners: its registrant and the two after it.
                            w.WriteString("type", "deal.touch");
                            w.WriteString("partnerId", partnerIds[(deal + (int)((random >> 16) % 3)) % partnerIds.Length]);
                            w.WriteString("role", ((random >> 40) % 4) switch { 0 => "sourced", 1 => "referral", 2 => "implementation", _ => "influenced" });
                            w.WriteString("activity", "joint call");
                            break;
                        case < 700:
                            w.WriteString("type", "deal.message");
                            w.WriteString("author", "load");
                            w.WriteString("text", "Checking in on the proposal; the customer asked for the security review.");
                            break;
                        case < 850:
                            w.WriteString("type", "deal.stage_changed");
                            w.WriteString("stage", ((random >> 40) % 4) switch { 0 => "prospect", 1 => "qualified", 2 => "proposal", _ => "negotiation" });
                            break;
                        case < 999:
                            w.WriteString("type", "deal.amount_changed");
                            w.WriteNumber("amount", 1000 + (long)((random >> 20) % 90_000));
                            w.WriteString("currency", "USD");
                            break;
                        default:
                            w.WriteString("type", "deal.closed");
                            w.WriteString("outcome", (random >> 45) % 3 == 0 ? "lost" : "won");
                            break;
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            return (buffer.WrittenSpan.ToArray(), events);
        }
    }

    private sealed class RunStats(int seconds)
    {
        private readonly long[] _acceptedPerSecond = new long[seconds + 30];
        private readonly Lock _gate = new();
        private long _accepted;

        public List<double> BatchMs { get; } = [];
        public long Accepted => Interlocked.Read(ref _accepted);
        public int Errors { get; private set; }
        public int Rejected { get; private set; }
        public string? FirstError { get; private set; }

        public void Record(TimeSpan at, double ms, Statuses statuses)
        {
            var second = Math.Min((int)at.TotalSeconds, _acceptedPerSecond.Length - 1);
            Interlocked.Add(ref _acceptedPerSecond[second], statuses.Accepted);
            Interlocked.Add(ref _accepted, statuses.Accepted);
            lock (_gate)
            {
                BatchMs.Add(ms);
                Rejected += statuses.Rejected + statuses.Duplicate;
                if (statuses.Rejected > 0)
                {
                    FirstError ??= statuses.FirstReason;
                }
            }
        }

        public void Error(TimeSpan at, Exception ex)
        {
            lock (_gate)
            {
                Errors++;
                FirstError ??= $"{at.TotalSeconds:0.0}s: {ex.GetType().Name}: {ex.Message}";
            }
        }

        public long AcceptedBetween(int from, int to)
        {
            long sum = 0;
            for (var s = from; s < to && s < _acceptedPerSecond.Length; s++)
            {
                sum += Interlocked.Read(ref _acceptedPerSecond[s]);
            }

            return sum;
        }
    }
}

/// <summary>Event bodies for set-up, written straight to UTF-8.</summary>
internal static class EventWriter
{
    public static byte[] Registrations(string[] dealIds, string[] partnerIds, int offset)
    {
        var buffer = new ArrayBufferWriter<byte>(dealIds.Length * 200);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            for (var i = 0; i < dealIds.Length; i++)
            {
                w.WriteStartObject();
                w.WriteString("id", dealIds[i] + "-reg");
                w.WriteString("type", "deal.registered");
                w.WriteString("occurredAt", DateTimeOffset.UtcNow);
                w.WriteString("dealId", dealIds[i]);
                w.WriteString("partnerId", partnerIds[(offset + i) % partnerIds.Length]);
                w.WriteString("accountId", dealIds[i] + ".example");
                w.WriteNumber("amount", 50_000);
                w.WriteString("currency", "USD");
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>How a POST /api/events was answered.</summary>
internal readonly record struct Statuses(int Accepted, int Duplicate, int Rejected, string? FirstReason);

internal static class Http
{
    public static HttpClient Client(Uri url, string key, int connections)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    public static StringContent Json<T>(T value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static async Task<(Statuses Statuses, TimeSpan Elapsed)> PostEventsAsync(HttpClient http, byte[] body, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri("/api/events", UriKind.Relative), content, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)[..Math.Min(300, bytes.Length)]}");
        }

        return (Count(bytes), elapsed);
    }

    /// <summary>Counts the statuses of a results answer without building objects for it.</summary>
    private static Statuses Count(byte[] json)
    {
        int accepted = 0, duplicate = 0, rejected = 0;
        string? reason = null;
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                if (reader.ValueTextEquals("accepted"u8))
                {
                    accepted++;
                }
                else if (reader.ValueTextEquals("duplicate"u8))
                {
                    duplicate++;
                }
                else
                {
                    rejected++;
                }
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                reason ??= reader.GetString();
            }
        }

        return new Statuses(accepted, duplicate, rejected, reason);
    }
}

internal static class Args
{
    public static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

public sealed record ThroughputReport(
    string Scenario, string Provider, int Partners, int Deals, int Watchers, int Batch, int Concurrency, int TargetRate, double Seconds,
    long Accepted, double AcceptedPerSecondSustained, double AcceptedPerSecondOverall, double HttpP50Ms, double HttpP99Ms,
    int PushesExpected, int PushesReceived, int Lost, double PushP50Ms, double PushP95Ms, double PushP99Ms, double PushMaxMs,
    int Errors, int Rejected, string? FirstError, double? ServerPeakRssMb, double? ServerCpuSeconds,
    double? BaselineEventsPerSecond, double? RatioToBaseline, string Machine, int Nodes = 1, int? PostgresConnectionsPeak = null)
{
    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("| provider | deals / watched | batch × in flight | target/s | accepted/s (sustained) | raw Npgsql/s | ratio | HTTP p50 / p99 ms | push p50 / p95 / p99 ms | pushes expected / received / lost | errors | peak RSS MB | CPU s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Provider} | {Deals} / {Watchers} | {Batch} × {Concurrency} | {(TargetRate == 0 ? "flat out" : TargetRate)} | {AcceptedPerSecondSustained} | {BaselineEventsPerSecond?.ToString(CultureInfo.InvariantCulture) ?? "-"} | {RatioToBaseline?.ToString(CultureInfo.InvariantCulture) ?? "-"} | {HttpP50Ms} / {HttpP99Ms} | {PushP50Ms} / {PushP95Ms} / {PushP99Ms} | {PushesExpected} / {PushesReceived} / {Lost} | {Errors + Rejected} | {ServerPeakRssMb} | {ServerCpuSeconds} |"));
        if (PostgresConnectionsPeak is { } peak)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"nodes: {Nodes}; peak PostgreSQL connections to the database (pg_stat_activity): {peak}"));
        }

        if (FirstError is not null)
        {
            Console.WriteLine("first error: " + FirstError);
        }
    }
}
