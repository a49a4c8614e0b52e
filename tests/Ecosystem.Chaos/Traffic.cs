using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ecosystem.Chaos;

/// <summary>The ids of one run: partners in their own region, deals on their own accounts, leads for that region.</summary>
internal sealed class Scenario
{
    public Scenario(ChaosOptions options)
    {
        Options = options;
        Run = Guid.NewGuid().ToString("N")[..6];
        Partners = [.. Enumerable.Range(0, options.Partners).Select(i => $"cx-{Run}-p{i:D2}")];
        Deals = [.. Enumerable.Range(0, options.Deals).Select(i => $"cx-{Run}-d{i:D4}")];
        Leads = [.. Enumerable.Range(0, options.Leads).Select(i => $"cx-{Run}-l{i:D3}")];
    }

    public ChaosOptions Options { get; }
    public string Run { get; }
    public string Region => $"chaos-{Run}";
    public string[] Partners { get; }
    public string[] Deals { get; }
    public string[] Leads { get; }

    /// <summary>The registrant of deal <paramref name="d"/>; its touches come from the two partners after it.</summary>
    public string PartnerOf(int d, int offset = 0) => Partners[(d + offset) % Partners.Length];
}

/// <summary>
/// The co-selling mix, generated batch by batch on a schedule: registrations spread over the first four fifths of the
/// run, leads spread over all of it, and between them touches, stage changes, chat, partner activity and closes on
/// the deals registered so far.
/// </summary>
internal sealed class EventMix
{
    private readonly Scenario _scenario;
    private readonly int _preRegistered;
    private readonly int _totalBatches;
    private readonly Lock _gate = new();
    private readonly Random _random = new(42);
    private readonly HashSet<int> _closed = [];
    private int _registered;
    private int _leads;
    private long _seq;

    public EventMix(Scenario scenario, int preRegistered, int totalBatches)
    {
        _scenario = scenario;
        _preRegistered = preRegistered;
        _totalBatches = totalBatches;
        _registered = preRegistered;
    }

    public int Registered => Volatile.Read(ref _registered);

    public List<(Dictionary<string, object?> Body, EventInfo Info)> NextBatch(int batchNumber, int size)
    {
        lock (_gate)
        {
            var events = new List<(Dictionary<string, object?>, EventInfo)>(size + 4);
            var deals = _scenario.Deals.Length;
            var registrationsDue = Math.Min(deals, _preRegistered + (int)Math.Ceiling((deals - _preRegistered) * (batchNumber + 1) / (0.8 * _totalBatches)));
            while (_registered < registrationsDue && events.Count < size)
            {
                events.Add(Registration(_scenario, _registered, $"cx-{_scenario.Run}-reg{_registered}"));
                _registered++;
            }

            var leadsDue = Math.Min(_scenario.Leads.Length, (int)Math.Ceiling(_scenario.Leads.Length * (batchNumber + 1) / (double)_totalBatches));
            while (_leads < leadsDue && events.Count < size)
            {
                events.Add(Lead(_leads++));
            }

            while (events.Count < size)
            {
                events.Add(Activity());
            }

            return events;
        }
    }

    public static (Dictionary<string, object?>, EventInfo) Registration(Scenario scenario, int d, string id)
    {
        var dealId = scenario.Deals[d];
        var partnerId = scenario.PartnerOf(d);
        return (new Dictionary<string, object?>
        {
            ["id"] = id, ["type"] = "deal.registered", ["occurredAt"] = Now, ["dealId"] = dealId, ["partnerId"] = partnerId,
            ["accountId"] = $"{dealId}.example", ["amount"] = 10_000 + d * 100, ["currency"] = "USD",
        }, new EventInfo(id, "deal.registered", dealId, partnerId, null));
    }

    private (Dictionary<string, object?>, EventInfo) Lead(int l)
    {
        var leadId = _scenario.Leads[l];
        var id = $"cx-{_scenario.Run}-lead{l}";
        return (new Dictionary<string, object?>
        {
            ["id"] = id, ["type"] = "lead.submitted", ["occurredAt"] = Now, ["leadId"] = leadId, ["accountId"] = $"{leadId}.example",
            ["region"] = _scenario.Region, ["source"] = "marketing",
        }, new EventInfo(id, "lead.submitted", null, null, leadId));
    }

    private (Dictionary<string, object?>, EventInfo) Activity()
    {
        var id = $"cx-{_scenario.Run}-e{_seq++}";
        var d = _random.Next(_registered);
        var dealId = _scenario.Deals[d];
        var roll = _random.Next(1000);
        Dictionary<string, object?> body = new() { ["id"] = id, ["occurredAt"] = Now };
        switch (roll)
        {
            case < 400:
                var partnerId = _scenario.PartnerOf(d, 1 + _random.Next(2));
                body["type"] = "deal.touch";
                body["dealId"] = dealId;
                body["partnerId"] = partnerId;
                body["role"] = Roles[_random.Next(Roles.Length)];
                body["activity"] = "joint call";
                return (body, new EventInfo(id, "deal.touch", dealId, partnerId, null));
            case < 600:
                body["type"] = "deal.stage_changed";
                body["dealId"] = dealId;
                body["stage"] = Stages[_random.Next(Stages.Length)];
                return (body, new EventInfo(id, "deal.stage_changed", dealId, null, null));
            case < 930:
            case >= 995 when _closed.Contains(d):
                body["type"] = "deal.message";
                body["dealId"] = dealId;
                body["author"] = "chaos";
                body["text"] = "Customer asked for the security review; who takes it?";
                return (body, new EventInfo(id, "deal.message", dealId, null, null));
            case < 995:
                var engaged = _scenario.Partners[_random.Next(_scenario.Partners.Length)];
                body["type"] = "partner.engaged";
                body["partnerId"] = engaged;
                body["activity"] = "webinar";
                return (body, new EventInfo(id, "partner.engaged", null, engaged, null));
            default:
                _closed.Add(d);
                body["type"] = "deal.closed";
                body["dealId"] = dealId;
                body["outcome"] = _random.Next(3) == 0 ? "lost" : "won";
                return (body, new EventInfo(id, "deal.closed", dealId, null, null));
        }
    }

    private static readonly string[] Roles = ["sourced", "referral", "implementation", "influenced"];
    private static readonly string[] Stages = ["prospect", "qualified", "proposal", "negotiation"];

    /// <summary>A second ago: never "in the future" whatever the clocks say.</summary>
    public static string Now => DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O");
}

/// <summary>A request that failed and was sent again elsewhere.</summary>
internal sealed record Refusal(double At, int Node, string Cause);

/// <summary>
/// Sends batches round-robin to the nodes. A request that fails (connection refused, 5xx, timeout) is sent again,
/// with the same event ids, to the next node; idempotency makes that safe, and the answer of the attempt that gets
/// through is what the ledger records.
/// </summary>
internal sealed class Sender(IReadOnlyList<EngineNode> nodes, string adminKey, Ledger ledger, Stopwatch clock) : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);
    private readonly HttpClient[] _clients = [.. nodes.Select(n => Client(n.Url, adminKey))];
    private readonly ConcurrentQueue<Refusal> _refusals = new();
    private readonly ConcurrentQueue<(double SentAt, double Seconds)> _answered = new();
    private long _requests;
    private long _unanswered;

    /// <summary>For every batch: when it was first sent, and how long until an answer came, retries included.</summary>
    public IReadOnlyCollection<(double SentAt, double Seconds)> Answered => _answered;

    public IReadOnlyCollection<Refusal> Refusals => _refusals;
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests given up after every node refused them for a minute: their events' fate is unknown.</summary>
    public long Unanswered => Interlocked.Read(ref _unanswered);

    public HttpClient ClientOf(int node) => _clients[node];

    public static HttpClient Client(Uri url, string key)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(3),
            MaxConnectionsPerServer = 32,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var http = new HttpClient(handler) { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    public async Task SendAsync(List<(Dictionary<string, object?> Body, EventInfo Info)> events, int firstNode)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(events.Select(e => e.Body).ToList());
        var node = firstNode % _clients.Length;
        var firstSent = clock.Elapsed;
        var giveUp = firstSent + TimeSpan.FromMinutes(1);
        for (var attempt = 0; ; attempt++)
        {
            Interlocked.Increment(ref _requests);
            string cause;
            try
            {
                using var cts = new CancellationTokenSource(RequestTimeout);
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _clients[node].PostAsync(new Uri("/api/events", UriKind.Relative), content, cts.Token);
                var text = await response.Content.ReadAsStringAsync(cts.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var doc = JsonDocument.Parse(text);
                    var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
                    for (var i = 0; i < events.Count; i++)
                    {
                        var r = results[i];
                        ledger.Record(events[i].Info, r.GetProperty("status").GetString()!,
                            r.TryGetProperty("error", out var error) ? error.GetString() : null, retried: attempt > 0);
                    }

                    _answered.Enqueue((firstSent.TotalSeconds, (clock.Elapsed - firstSent).TotalSeconds));
                    return;
                }

                if ((int)response.StatusCode is >= 400 and < 500 and not 429)
                {
                    // The request itself is wrong: no node will take it. Every event of it counts as rejected.
                    foreach (var e in events)
                    {
                        ledger.Record(e.Info, "rejected", $"{(int)response.StatusCode}: {text[..Math.Min(200, text.Length)]}", attempt > 0);
                    }

                    return;
                }

                cause = $"{(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                cause = ex.HttpRequestError == HttpRequestError.ConnectionError ? "connection refused" : $"connection: {ex.HttpRequestError}";
            }
            catch (OperationCanceledException)
            {
                cause = "timeout";
            }

            _refusals.Enqueue(new Refusal(clock.Elapsed.TotalSeconds, nodes[node].Number, cause));
            if (clock.Elapsed > giveUp)
            {
                Interlocked.Increment(ref _unanswered);
                return;
            }

            node = (node + 1) % _clients.Length;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * (attempt + 1))));
        }
    }

    public void Dispose()
    {
        foreach (var c in _clients)
        {
            c.Dispose();
        }
    }

    public static StringContent Json<T>(T value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
