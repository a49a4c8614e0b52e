using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ecosystem.Testing;
using Npgsql;

namespace Ecosystem.Chaos;

/// <summary>
/// The chaos run: PostgreSQL and a cluster of engine nodes as real processes; mixed traffic and deal-room watchers at
/// every node; one node killed with SIGKILL mid-load and started again later; then every deal, partner and lead checked
/// against the events that were answered accepted. Exit code 1 if anything accepted was lost or applied twice.
/// </summary>
internal static class ChaosRun
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly string[] Agreements = ["nda", "program_terms"];

    public static async Task<int> RunAsync(string[] args)
    {
        ChaosOptions options;
        try
        {
            options = ChaosOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        var scenario = new Scenario(options);
        var adminKey = "chaos-admin-" + Guid.NewGuid().ToString("N");
        var logDirectory = Path.Combine(Path.GetTempPath(), $"eco-chaos-{scenario.Run}");
        Directory.CreateDirectory(logDirectory);

        PostgresServer? server = null;
        var nodes = new List<EngineNode>();
        var watchers = new List<Watcher>();
        Console.CancelKeyPress += (_, _) =>
        {
            // Leave no engine behind on Ctrl+C.
            foreach (var node in nodes)
            {
                node.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        };

        try
        {
            string connection;
            if (options.Postgres is { } pg)
            {
                connection = await CreateDatabaseAsync(pg, $"chaos_{scenario.Run}");
                Console.WriteLine($"PostgreSQL: database chaos_{scenario.Run} on the server of --pg");
            }
            else
            {
                server = new PostgresServer();
                await server.InitializeAsync();
                connection = await server.CreateDatabaseAsync("chaos");
                Console.WriteLine(server.OwnsServer ? "PostgreSQL: a throwaway server started from the machine's binaries" : "PostgreSQL: ECOSYSTEM_TEST_POSTGRES");
            }

            nodes.AddRange(Enumerable.Range(1, options.Nodes).Select(n => new EngineNode(n, connection, $"chaos-{scenario.Run}", adminKey, logDirectory)));
            var started = Stopwatch.StartNew();
            await Task.WhenAll(nodes.Select(n => n.StartAsync(TimeSpan.FromSeconds(120))));
            await WaitForMembersAsync(nodes, adminKey, options.Nodes);
            Console.WriteLine($"{options.Nodes} nodes in one cluster in {started.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", nodes.Select(n => $"node {n.Number} {n.Url}"))}; logs in {logDirectory}");

            var report = await RunScenarioAsync(scenario, nodes, watchers, adminKey, logDirectory);
            report.Print();
            var path = options.Out ?? DefaultReportPath(scenario.Run);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Indented));
            Console.WriteLine($"report: {path}");
            return report.Passed ? 0 : 1;
        }
        finally
        {
            foreach (var w in watchers)
            {
                await w.DisposeAsync();
            }

            foreach (var n in nodes)
            {
                await n.DisposeAsync();
            }

            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static async Task<ChaosReport> RunScenarioAsync(Scenario scenario, List<EngineNode> nodes, List<Watcher> watchers, string adminKey, string logDirectory)
    {
        var options = scenario.Options;
        var ledger = new Ledger();
        var clock = new Stopwatch();
        using var sender = new Sender(nodes, adminKey, ledger, clock);
        var killed = nodes[options.KillNode - 1];

        // ---- Set-up: partners that can take leads, the first deals, the watchers ---------------------------------------
        await Parallel.ForEachAsync(scenario.Partners.Select((p, i) => (p, i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (x, ct) =>
        {
            using var body = Sender.Json(new { name = $"Chaos partner {x.i}", partnerType = "solutions", region = scenario.Region, acceptsLeads = true, capacity = 10 });
            using var response = await sender.ClientOf(x.i % nodes.Count).PutAsync(new Uri($"/api/partners/{x.p}", UriKind.Relative), body, ct);
            response.EnsureSuccessStatusCode();
        });
        // Program terms make a partner eligible for leads; the NDA is there for the partner's event count.
        var agreements = scenario.Partners.SelectMany(p => Agreements.Select(doc =>
        {
            var id = $"cx-{scenario.Run}-{p}-{doc}";
            return (new Dictionary<string, object?>
            {
                ["id"] = id, ["type"] = "agreement.signed", ["occurredAt"] = EventMix.Now, ["partnerId"] = p, ["document"] = doc, ["version"] = "2025-1",
            }, new EventInfo(id, "agreement.signed", null, p, null));
        })).ToList();
        await sender.SendAsync(agreements, 0);
        var registrations = Enumerable.Range(0, options.PreRegistered).Select(d => EventMix.Registration(scenario, d, $"cx-{scenario.Run}-reg{d}")).ToList();
        await Task.WhenAll(registrations.Chunk(50).Select((chunk, i) => sender.SendAsync([.. chunk], i)));
        var setupRejected = ledger.Rejected.Count;
        if (setupRejected > 0)
        {
            throw new InvalidOperationException($"Set-up events were rejected: {string.Join("; ", ledger.Rejected.Take(3).Select(r => $"{r.Key}: {r.Value}"))}");
        }

        var watcherNumber = 0;
        for (var node = 0; node < nodes.Count; node++)
        {
            for (var w = 0; w < options.WatchersPerNode; w++)
            {
                var deal = scenario.Deals[(watcherNumber * 7) % options.PreRegistered];
                var watcher = new Watcher(watcherNumber++, deal, node, nodes, adminKey, clock);
                await watcher.StartAsync();
                watchers.Add(watcher);
            }
        }

        Console.WriteLine($"set-up: {scenario.Partners.Length} partners in region {scenario.Region}, {options.PreRegistered} deals registered, {watchers.Count} watchers in deal rooms");
        Console.WriteLine($"run: {options.Seconds} s of traffic at {options.Rate} events/s; node {options.KillNode} killed at {options.KillAt} s and restarted at {options.RestartAt} s");

        // ---- The run ---------------------------------------------------------------------------------------------------
        var totalBatches = Math.Max(1, (int)((long)options.Seconds * options.Rate / options.Batch));
        var mix = new EventMix(scenario, options.PreRegistered, totalBatches);
        var sent = agreements.Count + registrations.Count;
        var next = -1L;
        var end = TimeSpan.FromSeconds(options.Seconds);
        var timeline = new Timeline();
        clock.Start();

        var senders = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var n = Interlocked.Increment(ref next);
                // Batch n is due at n·B/R seconds: a fixed schedule, so a stalled node shows as refusals, not as a lower rate.
                var due = TimeSpan.FromSeconds(n * (double)options.Batch / options.Rate);
                if (due >= end)
                {
                    return;
                }

                await DelayUntilAsync(clock, due);

                var batch = mix.NextBatch((int)n, options.Batch);
                Interlocked.Add(ref sent, batch.Count);
                await sender.SendAsync(batch, (int)(n % nodes.Count));
            }
        })).ToList();

        var chaos = Task.Run(async () =>
        {
            await DelayUntilAsync(clock, TimeSpan.FromSeconds(options.KillAt));
            // What the sweep must find served again: everything that was durable at the moment of the kill.
            var durableAtKill = ledger.Durable;
            timeline.KilledAt = clock.Elapsed.TotalSeconds;
            await killed.KillAsync();
            Console.WriteLine($"{timeline.KilledAt,6:0.0} s  node {killed.Number} killed (SIGKILL; gone {clock.Elapsed.TotalSeconds - timeline.KilledAt:0.0} s later)");
            var sweep = Task.Run(() => SweepUntilServedAsync(nodes.Where(n => n != killed).Select(n => sender.ClientOf(n.Number - 1)).ToList(),
                durableAtKill, scenario, clock, timeline));

            await DelayUntilAsync(clock, TimeSpan.FromSeconds(options.RestartAt));
            timeline.RestartBegan = clock.Elapsed.TotalSeconds;
            await killed.StartAsync(TimeSpan.FromSeconds(120));
            timeline.RestartedAt = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"{timeline.RestartedAt,6:0.0} s  node {killed.Number} back (ready {timeline.RestartedAt - timeline.RestartBegan:0.0} s after its start)");
            await sweep;
        });

        var progress = Task.Run(async () =>
        {
            for (var s = 5; s < options.Seconds; s += 5)
            {
                await DelayUntilAsync(clock, TimeSpan.FromSeconds(s));
                Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  accepted {ledger.DurableCount}, refused requests {sender.Refusals.Count}");
            }
        });

        await Task.WhenAll(senders);
        var trafficSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{trafficSeconds,6:0.0} s  traffic over: {sent} events sent, {ledger.DurableCount} accepted");
        await progress;
        await chaos;

        // ---- Every watcher still gets its room's pushes, wherever it is connected now ----------------------------------
        var finals = watchers.Select(w => (Watcher: w, Text: $"chaos final check {scenario.Run} {w.Number}")).ToList();
        await Task.WhenAll(finals.Select((f, i) =>
        {
            var id = $"cx-{scenario.Run}-final{f.Watcher.Number}";
            var message = new Dictionary<string, object?>
            {
                ["id"] = id, ["type"] = "deal.message", ["occurredAt"] = EventMix.Now, ["dealId"] = f.Watcher.DealId, ["author"] = "chaos", ["text"] = f.Text,
            };
            return sender.SendAsync([(message, new EventInfo(id, "deal.message", f.Watcher.DealId, null, null))], i);
        }));
        sent += finals.Count;
        var finalDeadline = clock.Elapsed + TimeSpan.FromSeconds(30);
        while (clock.Elapsed < finalDeadline && !finals.All(f => f.Watcher.HasMessage(f.Text)))
        {
            await Task.Delay(200);
        }

        var finalPushes = finals.Count(f => f.Watcher.HasMessage(f.Text));

        // ---- Verification ----------------------------------------------------------------------------------------------
        var verifier = new Verifier(nodes.Select(n => sender.ClientOf(n.Number - 1)).ToList(), ledger, scenario);
        var settleStart = clock.Elapsed;
        var settleDeadline = settleStart + TimeSpan.FromSeconds(options.Settle);
        Verification check;
        double? settleSeconds = null;
        while (true)
        {
            check = await verifier.VerifyAsync(readLog: false);
            if (check.Clean)
            {
                settleSeconds = (clock.Elapsed - settleStart).TotalSeconds;
                break;
            }

            if (clock.Elapsed > settleDeadline)
            {
                break;
            }

            Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  not settled yet: {check.Summary}");
            await Task.Delay(2000);
        }

        // The final word includes the log itself: an accepted event missing there is lost for good.
        check = await verifier.VerifyAsync(readLog: true);
        var onKilled = watchers.Where(w => w.HomeNode == options.KillNode - 1).ToList();
        var refusals = sender.Refusals.ToList();
        var whileDown = refusals.Count(r => r.At >= timeline.KilledAt && r.At <= timeline.RestartedAt);
        var answered = sender.Answered.ToList();
        var sentAroundKill = answered.Where(a => a.SentAt >= timeline.KilledAt - 1 && a.SentAt <= timeline.KilledAt + (timeline.ServedAgainAfter ?? 0)).Select(a => a.Seconds).ToList();
        return new ChaosReport
        {
            Run = scenario.Run,
            Nodes = options.Nodes,
            KilledNode = options.KillNode,
            TrafficSeconds = Math.Round(trafficSeconds, 1),
            KilledAt = Math.Round(timeline.KilledAt, 1),
            RestartedAt = Math.Round(timeline.RestartedAt, 1),
            RestartReadySeconds = Math.Round(timeline.RestartedAt - timeline.RestartBegan, 1),
            Deals = options.Deals,
            Partners = options.Partners,
            Leads = options.Leads,
            EventsSent = sent,
            EventsAccepted = ledger.DurableCount,
            AnsweredAccepted = ledger.AnsweredAccepted,
            AnsweredDuplicate = ledger.AnsweredDuplicate,
            DuplicateOnRetry = ledger.DuplicateOnRetry,
            Rejected = ledger.Rejected.Count,
            FirstRejection = ledger.Rejected.Select(r => $"{r.Key}: {r.Value}").FirstOrDefault(),
            Requests = sender.Requests,
            Refused = refusals.Count,
            RefusedWhileDown = whileDown,
            RefusedByCause = refusals.GroupBy(r => $"node {r.Node}: {r.Cause}").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            Unanswered = sender.Unanswered,
            AnswerP50Ms = Percentile(answered.Select(a => a.Seconds), 50),
            AnswerP99Ms = Percentile(answered.Select(a => a.Seconds), 99),
            AnswerMaxMs = Percentile(answered.Select(a => a.Seconds), 100),
            AnswerMaxMsAroundKill = Percentile(sentAroundKill, 100),
            SecondsUntilServedAgain = timeline.ServedAgainAfter is { } s ? Math.Round(s, 1) : null,
            FirstSweepFailures = timeline.FirstSweepFailures,
            Sweeps = timeline.Sweeps,
            Lost = check.Lost,
            DoubleApplied = check.DoubleApplied,
            LostFromLog = check.MissingFromLog,
            MissingFromDealViews = check.MissingFromDeals,
            DoubleInDealViews = check.DoubleInDeals,
            PartnerEventsMissing = check.PartnerShortfall,
            PartnerEventsExtra = check.PartnerExcess,
            LeadsMissing = check.LeadsMissing,
            LeadsInconsistent = check.LeadsInconsistent,
            LeadsOffered = check.LeadsOffered,
            LeadsUnroutable = check.LeadsUnroutable,
            PartnerLeadOffers = check.PartnerLeadOffers,
            LeadOffersInHistories = check.LeadOffers,
            UnexpectedInViews = check.Unexpected,
            Unreadable = check.Unreadable,
            SettleSeconds = settleSeconds is { } settled ? Math.Round(settled, 1) : null,
            Watchers = watchers.Count,
            WatchersOnKilledNode = onKilled.Count,
            WatchersMoved = onKilled.Count(w => w.MovedNode > 0 && w.CurrentNode != options.KillNode - 1),
            WatchersRejoinedWithSnapshot = onKilled.Count(w => w.RejoinedAt is not null),
            SecondsToRejoinMax = onKilled.Where(w => w.RejoinedAt is not null && w.LostAt is not null).Select(w => Math.Round(w.RejoinedAt!.Value - w.LostAt!.Value, 1)).DefaultIfEmpty().Max(),
            WatchersFinalPushReceived = finalPushes,
            WatcherPushes = watchers.Sum(w => w.Pushes),
            Problems = [.. check.Problems.Take(30)],
            LogDirectory = logDirectory,
            Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
        };
    }

    /// <summary>Sweeps GETs over every deal, partner and lead that was durable at the kill, through the surviving nodes, until one sweep fully succeeds.</summary>
    private static async Task SweepUntilServedAsync(List<HttpClient> surviving, IReadOnlyCollection<EventInfo> durable, Scenario scenario, Stopwatch clock, Timeline timeline)
    {
        var paths = durable.Where(e => e.DealId is not null).Select(e => $"/api/deals/{e.DealId}")
            .Concat(durable.Where(e => e.LeadId is not null).Select(e => $"/api/leads/{e.LeadId}"))
            .Concat(scenario.Partners.Select(p => $"/api/partners/{p}"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(scenario.Options.Seconds + scenario.Options.Settle);
        while (clock.Elapsed < deadline)
        {
            var failures = 0;
            await Parallel.ForEachAsync(paths.Select((p, i) => (p, i)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (x, _) =>
            {
                try
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    using var response = await surviving[x.i % surviving.Count].GetAsync(new Uri(x.p, UriKind.Relative), cts.Token);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }
            });
            timeline.Sweeps++;
            timeline.FirstSweepFailures ??= failures;
            if (failures == 0)
            {
                timeline.ServedAgainAfter = clock.Elapsed.TotalSeconds - timeline.KilledAt;
                Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  every deal, partner and lead served again through the surviving nodes ({timeline.ServedAgainAfter:0.0} s after the kill, sweep {timeline.Sweeps} of {paths.Count} GETs)");
                return;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The p-th percentile of durations in seconds, in milliseconds (nearest rank).</summary>
    private static double Percentile(IEnumerable<double> seconds, int p)
    {
        var sorted = seconds.Order().ToList();
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1);
        return Math.Round(sorted[rank] * 1000, 1);
    }

    private static async Task WaitForMembersAsync(List<EngineNode> nodes, string adminKey, int expected)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var node in nodes)
        {
            using var http = Sender.Client(node.Url, adminKey);
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri("/api/admin/cluster", UriKind.Relative));
                    using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    if (doc.RootElement.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "active") == expected)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
                {
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"Node {node.Number} did not see {expected} active silos within 60 s.");
                }

                await Task.Delay(250);
            }
        }
    }

    private static async Task DelayUntilAsync(Stopwatch clock, TimeSpan at)
    {
        var wait = at - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    private static async Task<string> CreateDatabaseAsync(string connectionString, string name)
    {
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    private static string DefaultReportPath(string run)
    {
        // TestResults/ is ignored by git, as a test run's output should be.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ecosystem.Orleans.sln")))
        {
            dir = dir.Parent;
        }

        var root = dir is null ? Directory.GetCurrentDirectory() : Path.Combine(dir.FullName, "tests", "Ecosystem.Chaos");
        return Path.Combine(root, "TestResults", $"chaos-{DateTime.UtcNow:yyyyMMddTHHmmss}-{run}.json");
    }

    private sealed class Timeline
    {
        public double KilledAt { get; set; }
        public double RestartBegan { get; set; }
        public double RestartedAt { get; set; }
        public double? ServedAgainAfter { get; set; }
        public int? FirstSweepFailures { get; set; }
        public int Sweeps { get; set; }
    }
}
