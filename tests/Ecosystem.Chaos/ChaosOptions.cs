using System.Globalization;

namespace Ecosystem.Chaos;

/// <summary>
/// <c>dotnet run -c Release --project tests/Ecosystem.Chaos -- [options]</c>
/// <list type="bullet">
/// <item><c>--pg CONNECTION</c>: an existing PostgreSQL (a login allowed to create databases); a fresh database is created
/// on it. Without it, <c>ECOSYSTEM_TEST_POSTGRES</c> or a throwaway server from the machine's binaries, as the tests do.</item>
/// <item><c>--seconds S</c> (default 60) of traffic; <c>--kill-at K</c> (15) and <c>--restart-at R</c> (35) seconds into it;
/// <c>--kill-node N</c> (2) of <c>--nodes</c> (3).</item>
/// <item><c>--deals D</c> (300, of which <c>--pre-registered</c> 100 before the run), <c>--partners P</c> (12), <c>--leads L</c> (60).</item>
/// <item><c>--rate R</c> events per second (200), <c>--batch B</c> (20) events per request, <c>--concurrency K</c> (4) requests in flight.</item>
/// <item><c>--watchers-per-node W</c> (4): SignalR clients in deal rooms on each node.</item>
/// <item><c>--settle S</c> (120): how long the cluster may take after the traffic to show every accepted event.</item>
/// <item><c>--out FILE</c>: the JSON report (default tests/Ecosystem.Chaos/TestResults/chaos-*.json).</item>
/// </list>
/// </summary>
internal sealed record ChaosOptions
{
    public string? Postgres { get; init; }
    public int Nodes { get; init; } = 3;
    public int KillNode { get; init; } = 2;
    public int Seconds { get; init; } = 60;
    public int KillAt { get; init; } = 15;
    public int RestartAt { get; init; } = 35;
    public int Deals { get; init; } = 300;
    public int PreRegistered { get; init; } = 100;
    public int Partners { get; init; } = 12;
    public int Leads { get; init; } = 60;
    public int Rate { get; init; } = 200;
    public int Batch { get; init; } = 20;
    public int Concurrency { get; init; } = 4;
    public int WatchersPerNode { get; init; } = 4;
    public int Settle { get; init; } = 120;
    public string? Out { get; init; }

    public static ChaosOptions Parse(string[] args)
    {
        var o = new ChaosOptions
        {
            Postgres = Str(args, "--pg"),
            Nodes = Int(args, "--nodes", 3),
            KillNode = Int(args, "--kill-node", 2),
            Seconds = Int(args, "--seconds", 60),
            KillAt = Int(args, "--kill-at", 15),
            RestartAt = Int(args, "--restart-at", 35),
            Deals = Int(args, "--deals", 300),
            PreRegistered = Int(args, "--pre-registered", 100),
            Partners = Int(args, "--partners", 12),
            Leads = Int(args, "--leads", 60),
            Rate = Int(args, "--rate", 200),
            Batch = Math.Clamp(Int(args, "--batch", 20), 1, 1000),
            Concurrency = Math.Max(1, Int(args, "--concurrency", 4)),
            WatchersPerNode = Int(args, "--watchers-per-node", 4),
            Settle = Int(args, "--settle", 120),
            Out = Str(args, "--out"),
        };
        if (o.Nodes < 2 || o.KillNode < 1 || o.KillNode > o.Nodes)
        {
            throw new ArgumentException("--nodes must be at least 2 and --kill-node one of them (numbered from 1).");
        }

        if (!(0 < o.KillAt && o.KillAt < o.RestartAt && o.RestartAt < o.Seconds))
        {
            throw new ArgumentException("Expected 0 < --kill-at < --restart-at < --seconds.");
        }

        if (o.Partners < 3 || o.Deals < 1 || o.PreRegistered < 1 || o.PreRegistered > o.Deals || o.Rate < 1)
        {
            throw new ArgumentException("Expected at least 3 partners, 1 deal, 1 ≤ --pre-registered ≤ --deals and a positive rate.");
        }

        return o;
    }

    private static string? Str(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Int(string[] args, string name, int fallback) =>
        Str(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
