using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ecosystem.Host.Tests.Infrastructure;
using Ecosystem.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Ecosystem.Host.Tests.Reliability;

/// <summary>
/// PostgreSQL stops for ten seconds under load, then comes back. The test has a PostgreSQL of its own, so stopping
/// it takes no other test's database down. While it is down, intake says 503 with <c>Retry-After</c> and never
/// "accepted"; a deal that is active keeps being read from memory; when it is back, intake recovers without a
/// restart; and every event ever answered "accepted" is in the log and in its deal's timeline exactly once.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(90);

    private readonly PostgresServer _postgres = new() { StartOwnServer = true };

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task While_PostgreSQL_is_down_intake_answers_503_and_reads_are_served_from_memory_and_afterwards_it_recovers_on_its_own_losing_nothing()
    {
        var database = await _postgres.CreateDatabaseAsync("outage");
        await using var host = new HostProcess(HostStorage.Postgres(database)) { KeepFullLog = true };
        await host.StartAsync();
        using var http = host.Client();
        var clock = Stopwatch.StartNew();
        var deals = Enumerable.Range(0, 12).Select(_ => Events.Id("deal")).ToArray();
        var expected = new ConcurrentDictionary<string, string>(StringComparer.Ordinal); // event id -> deal id, answered accepted or duplicate

        var registrations = deals.Select((d, i) => Events.Registered(Events.Id("reg"), d, $"p{i % 4}", $"{d}.example")).ToArray();
        Assert.All(await (await http.PostEventsAsync(registrations)).StatusesAsync(), s => Assert.Equal("accepted", s));
        foreach (var r in registrations)
        {
            expected[(string)r["id"]!] = (string)r["dealId"]!;
        }

        var writes = new ConcurrentQueue<Attempt>();
        var reads = new ConcurrentQueue<Attempt>();
        using var stopLoad = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(() => WriteLoopAsync(host, deals, w, clock, writes, stopLoad.Token))).ToArray();
        var reader = Task.Run(() => ReadLoopAsync(host, deals[0], clock, reads, stopLoad.Token));

        await Until(() => writes.Count(a => a.Accepted) >= 30, TimeSpan.FromSeconds(60), "30 accepted requests before the outage", writes);

        var stopBegan = clock.Elapsed;
        await _postgres.StopAsync("immediate");
        var stopped = clock.Elapsed;
        output.WriteLine($"PostgreSQL stop requested at {stopBegan.TotalSeconds:0.00} s, down at {stopped.TotalSeconds:0.00} s");

        // A registration takes another path (its account grain decides and logs it): refused the same way.
        var newDeal = Events.Id("deal");
        var registrationWhileDown = Events.Registered(Events.Id("reg"), newDeal, "p1", $"{newDeal}.example");
        using (var refused = await http.PostEventsAsync(registrationWhileDown))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        // A deal nobody has read since the start has no activation to answer from; what it gets is reported, not asserted.
        try
        {
            using var soon = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var cold = await http.GetAsync(new Uri($"/api/deals/{Events.Id("cold")}", UriKind.Relative), soon.Token);
            output.WriteLine($"GET of a deal with no activation while PostgreSQL is down: {(int)cold.StatusCode}");
        }
        catch (TaskCanceledException)
        {
            output.WriteLine("GET of a deal with no activation while PostgreSQL is down: no answer within 5 s");
        }

        // The outage itself: the database stays down this long while the load goes on.
        var rest = Outage - (clock.Elapsed - stopped);
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        var restartBegan = clock.Elapsed;
        await _postgres.StartAsync();
        var restarted = clock.Elapsed;
        output.WriteLine($"PostgreSQL start requested at {restartBegan.TotalSeconds:0.00} s, up at {restarted.TotalSeconds:0.00} s");

        await Until(() => writes.Any(a => a.Sent >= restarted && a.Accepted), RecoveryLimit, "an accepted request sent after PostgreSQL was back", writes);
        var recoveredAt = writes.Where(a => a.Sent >= restarted && a.Accepted).Min(a => a.Answered);
        var acceptedSoFar = writes.Count(a => a.Accepted);
        await Until(() => writes.Count(a => a.Accepted) >= acceptedSoFar + 20, TimeSpan.FromSeconds(60), "20 more accepted requests after recovery", writes);
        await stopLoad.CancelAsync();
        await Task.WhenAll([.. writers, reader]);

        var all = writes.ToList();
        var duringOutage = all.Where(a => a.Sent >= stopped && a.Answered <= restartBegan).ToList();
        var readsDuringOutage = reads.Where(a => a.Sent >= stopped && a.Answered <= restartBegan).ToList();
        output.WriteLine($"write requests: {all.Count}, accepted {all.Count(a => a.Accepted)}, 503 {all.Count(a => a.Status == 503)}; " +
                         $"during the outage {duringOutage.Count} (503: {duringOutage.Count(a => a.Status == 503)}); " +
                         $"reads during the outage {readsDuringOutage.Count} (200: {readsDuringOutage.Count(a => a.Status == 200)}); " +
                         $"intake recovered {(recoveredAt - restarted).TotalSeconds:0.00} s after PostgreSQL was back");

        // Every answer was a 200 or a 503; no 500, no hang, no dropped connection.
        var odd = all.Where(a => a.Status is not (200 or 503)).ToList();
        Assert.True(odd.Count == 0, $"Unexpected answers:\n{Describe(odd)}\nHost log (tail):\n{Tail(host)}");
        var noRetryAfter = all.Where(a => a.Status == 503 && !a.RetryAfter).ToList();
        Assert.True(noRetryAfter.Count == 0, $"503 without Retry-After:\n{Describe(noRetryAfter)}");

        // While the database was down for the whole life of a request, the answer was 503, never "accepted".
        Assert.True(duringOutage.Count >= 10, $"Only {duringOutage.Count} requests fell inside the outage.");
        var acceptedWhileDown = duringOutage.Where(a => a.Status != 503).ToList();
        Assert.True(acceptedWhileDown.Count == 0, $"Answered other than 503 while PostgreSQL was down:\n{Describe(acceptedWhileDown)}");

        // A deal whose grain is active is read from memory.
        Assert.True(readsDuringOutage.Count >= 5, $"Only {readsDuringOutage.Count} reads fell inside the outage.");
        Assert.True(readsDuringOutage.All(a => a.Status == 200),
            $"Reads of an active deal during the outage: {string.Join(", ", readsDuringOutage.Select(a => a.Status))}\nHost log (tail):\n{Tail(host)}");

        Assert.True(recoveredAt - restarted <= RecoveryLimit);

        foreach (var a in all.Where(a => a.Accepted))
        {
            foreach (var (id, dealId) in a.Events)
            {
                expected[id] = dealId;
            }
        }

        // What was refused is sent again with the same ids, as a client told "retry" does: each event is then
        // accepted, or a duplicate if its commit reached the database before the connection was cut.
        var ambiguous = 0;
        foreach (var refused in all.Where(a => a.Status == 503))
        {
            var statuses = await (await http.PostEventsAsync(refused.Body)).StatusesAsync();
            Assert.All(statuses, s => Assert.Contains(s, new[] { "accepted", "duplicate" }));
            ambiguous += statuses.Count(s => s == "duplicate");
            foreach (var (id, dealId) in refused.Events)
            {
                expected[id] = dealId;
            }
        }

        output.WriteLine($"events refused with 503 that had reached the log anyway (duplicate when resent): {ambiguous}");

        // Nothing lost, nothing twice: in the log, and in every deal's timeline.
        await using (var conn = new NpgsqlConnection(database))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT event_id, count(*) FROM eco_events WHERE event_id = ANY(@ids) GROUP BY event_id", conn);
            cmd.Parameters.AddWithValue("ids", expected.Keys.ToArray());
            var inLog = new Dictionary<string, long>(StringComparer.Ordinal);
            await using var rows = await cmd.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                inLog[rows.GetString(0)] = rows.GetInt64(1);
            }

            var notLogged = expected.Keys.Where(id => !inLog.ContainsKey(id)).ToList();
            var loggedTwice = inLog.Where(kv => kv.Value != 1).Select(kv => kv.Key).ToList();
            Assert.True(notLogged.Count == 0, $"Accepted but not in the log: {string.Join(", ", notLogged.Take(10))}");
            Assert.True(loggedTwice.Count == 0, $"In the log more than once: {string.Join(", ", loggedTwice.Take(10))}");
        }

        // The registration refused during the outage is sent again like the rest.
        Assert.Contains((await (await http.PostEventsAsync(registrationWhileDown)).StatusesAsync())[0], new[] { "accepted", "duplicate" });
        expected[(string)registrationWhileDown["id"]!] = newDeal;
        deals = [.. deals, newDeal];

        var byDeal = expected.GroupBy(kv => kv.Value, kv => kv.Key).ToDictionary(g => g.Key, g => g.ToHashSet(StringComparer.Ordinal));
        string? problem = null;
        var deadline = clock.Elapsed + SettleLimit;
        do
        {
            problem = null;
            foreach (var deal in deals)
            {
                var timeline = (await http.GetDealAsync(deal)).GetProperty("timeline").EnumerateArray()
                    .Select(t => t.GetProperty("event").GetProperty("id").GetString()!).ToList();
                var missing = byDeal[deal].Where(id => !timeline.Contains(id)).ToList();
                var twice = timeline.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                if (twice.Count > 0)
                {
                    // Twice is never healed by waiting.
                    Assert.Fail($"Deal {deal} holds {string.Join(", ", twice)} more than once.");
                }

                if (missing.Count > 0 || timeline.Count != byDeal[deal].Count)
                {
                    problem = $"deal {deal}: {missing.Count} accepted events missing ({string.Join(", ", missing.Take(5))}), timeline {timeline.Count} vs {byDeal[deal].Count} expected";
                    break;
                }
            }

            if (problem is not null)
            {
                // A grain that missed a hand-off while the database was away reads it from the log at its next checkpoint.
                await Task.Delay(500);
            }
        }
        while (problem is not null && clock.Elapsed < deadline);

        Assert.True(problem is null, $"{problem}\nHost log (tail):\n{Tail(host)}");

        // The node as a whole came back too: ready again, and its silo still a member of the cluster.
        using var probe = host.Client(key: null);
        var readyBy = clock.Elapsed + TimeSpan.FromSeconds(30);
        while (!(await probe.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode)
        {
            Assert.True(clock.Elapsed < readyBy, "/health/ready did not answer 200 within 30 s of the recovery.");
            await Task.Delay(200);
        }

        var silos = (await (await http.GetAsync(new Uri("/api/admin/cluster", UriKind.Relative))).ReadAsync()).GetProperty("silos");
        Assert.Equal(1, silos.EnumerateArray().Count(s => s.GetProperty("status").GetString() == "active"));

        // What the host had to say about it, for whoever reads the test's output.
        string[] levels = [" WRN] ", " ERR] ", " FTL] "];
        foreach (var line in host.FullLog.Where(l => levels.Any(level => l.Contains(level, StringComparison.Ordinal)))
                     .GroupBy(l => Regex.Replace(l[(l.IndexOf(']', StringComparison.Ordinal) - 3)..Math.Min(l.Length, 140)], @"\d+(\.\d+)?", "#"), StringComparer.Ordinal)
                     .Select(g => $"{g.Count()} x {g.Key}").Take(30))
        {
            output.WriteLine(line);
        }
    }

    private static async Task WriteLoopAsync(HostProcess host, string[] deals, int writer, Stopwatch clock, ConcurrentQueue<Attempt> attempts, CancellationToken stop)
    {
        using var http = host.Client();
        http.Timeout = TimeSpan.FromSeconds(20);
        var random = new Random(writer);
        while (!stop.IsCancellationRequested)
        {
            var batch = Enumerable.Range(0, 5).Select(i =>
            {
                var deal = deals[random.Next(deals.Length)];
                var id = Events.Id($"w{writer}");
                return (random.Next(3)) switch
                {
                    0 => Events.Touch(id, deal, $"p{random.Next(6)}"),
                    1 => Events.Stage(id, deal, "qualified"),
                    _ => new Dictionary<string, object?>
                    {
                        ["id"] = id, ["type"] = "deal.message", ["occurredAt"] = Events.Now, ["dealId"] = deal, ["author"] = "outage", ["text"] = "still there?",
                    },
                };
            }).ToArray();
            var sent = clock.Elapsed;
            int status;
            var retryAfter = false;
            string[] statuses = [];
            string? error = null;
            try
            {
                using var response = await http.PostEventsAsync(batch);
                status = (int)response.StatusCode;
                retryAfter = response.Headers.RetryAfter is not null;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    statuses = await response.StatusesAsync();
                }
                else
                {
                    error = await response.Content.ReadAsStringAsync(CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                status = -1;
                error = ex.Message;
            }

            attempts.Enqueue(new Attempt(sent, clock.Elapsed, status, retryAfter, statuses, error, batch,
                [.. batch.Select(e => ((string)e["id"]!, (string)e["dealId"]!))]));
            if (status == 200 && statuses.Any(s => s != "accepted"))
            {
                throw new InvalidOperationException($"Fresh events answered {string.Join(", ", statuses)}.");
            }

            // Paced like a partner system, not a spin loop: a refused request is answered at once.
            await Task.Delay(50, CancellationToken.None);
        }
    }

    private static async Task ReadLoopAsync(HostProcess host, string dealId, Stopwatch clock, ConcurrentQueue<Attempt> attempts, CancellationToken stop)
    {
        using var http = host.Client();
        http.Timeout = TimeSpan.FromSeconds(20);
        while (!stop.IsCancellationRequested)
        {
            var sent = clock.Elapsed;
            int status;
            try
            {
                using var response = await http.GetAsync(new Uri($"/api/deals/{dealId}", UriKind.Relative), CancellationToken.None);
                status = (int)response.StatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                status = -1;
            }

            attempts.Enqueue(new Attempt(sent, clock.Elapsed, status, false, [], null, [], []));
            await Task.Delay(100, CancellationToken.None);
        }
    }

    private static async Task Until(Func<bool> condition, TimeSpan timeout, string what, ConcurrentQueue<Attempt> attempts)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds} s for {what}. Last answers:\n{Describe(attempts.TakeLast(10))}");
            }

            await Task.Delay(100);
        }
    }

    private static string Describe(IEnumerable<Attempt> attempts) =>
        string.Join('\n', attempts.Select(a => $"  sent {a.Sent.TotalSeconds:0.00} s, answered {a.Answered.TotalSeconds:0.00} s: {a.Status} {a.Error?[..Math.Min(a.Error.Length, 300)]}"));

    private static string Tail(HostProcess host) => string.Join('\n', host.Output.Split('\n').TakeLast(60));

    private sealed record Attempt(
        TimeSpan Sent, TimeSpan Answered, int Status, bool RetryAfter, string[] Statuses, string? Error,
        Dictionary<string, object?>[] Body, (string Id, string DealId)[] Events)
    {
        public bool Accepted => Status == 200;
    }
}
