using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Ecosystem.Host.Hosting;

/// <summary>The <c>Ecosystem</c> configuration section. <see cref="AdminApiKey"/> is a secret: never log it.</summary>
public sealed class EcosystemOptions
{
    public const string Section = "Ecosystem";

    /// <summary>
    /// The channel team's key. When empty, a random one is created once in <c>{DataDirectory}/admin.key</c>
    /// (readable by the owner only), so a first run needs no set-up and ships no default password.
    /// </summary>
    [MinLength(16, ErrorMessage = "Ecosystem:AdminApiKey must be at least 16 characters.")]
    public string AdminApiKey { get; set; } = "";

    public string DataDirectory { get; set; } = "./data";

    [ValidateObjectMembers]
    public StorageOptions Storage { get; set; } = new();

    [ValidateObjectMembers]
    public ClusterSettings Cluster { get; set; } = new();

    /// <summary>Write logs as compact JSON (one object per line) instead of text.</summary>
    public bool JsonLogs { get; set; }

    [ValidateObjectMembers]
    public LimitsOptions Limits { get; set; } = new();
}

/// <summary>
/// <c>Ecosystem:Limits</c>: what one key may take of a node. The limits hold per node (each node counts
/// on its own), so with N nodes behind a balancer a key gets up to N times as much. The admin key (the
/// channel team's, from configuration) is exempt unless <see cref="ExemptAdmin"/> is false: it is the
/// operator's own tool for bulk set-up and load tests, and there is only one.
/// </summary>
public sealed class LimitsOptions
{
    /// <summary>Sustained <c>/api</c> requests per second per key (a token bucket refilled at this rate); 0 turns rate limiting off.</summary>
    [Range(0, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 200;

    /// <summary>Requests a key may make at once before the sustained rate applies (the bucket's size).</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 400;

    /// <summary>Whether the admin key bypasses the request rate and the hub connection cap.</summary>
    public bool ExemptAdmin { get; set; } = true;

    /// <summary>Open SignalR connections per key on one node; 0 means no cap.</summary>
    [Range(0, 1_000_000)]
    public int HubConnectionsPerKey { get; set; } = 20;

    /// <summary>Largest SignalR message a client may send, in bytes (a 10,000-character chat line fits with room to spare).</summary>
    [Range(4 * 1024, 16 * 1024 * 1024)]
    public int HubMaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>How often a node asks whether the keys of its open hub connections are still valid, in seconds.</summary>
    [Range(0.1, 60)]
    public double RevocationCheckSeconds { get; set; } = 1;
}

public sealed class StorageOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Ecosystem:Storage:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = Sqlite;

    /// <summary>Events per log transaction at most; the intake groups concurrent requests up to this size.</summary>
    [Range(1, 20_000)]
    public int MaxAppendBatch { get; set; } = 5_000;

    /// <summary>
    /// PostgreSQL connections this node may hold open at once, for everything it does: the event log, grain snapshots,
    /// reminders and cluster membership share it (half to the log, half to Orleans' providers). A request that finds
    /// every connection busy waits for one instead of failing. N nodes on one server need N × this below the server's
    /// <c>max_connections</c> (100 by default), with room for maintenance sessions.
    /// </summary>
    [Range(4, 10_000)]
    public int MaxConnections { get; set; } = 30;
}

public sealed class ClusterSettings
{
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    [Required]
    public string ClusterId { get; set; } = "ecosystem";

    [Required]
    public string ServiceId { get; set; } = "ecosystem";

    /// <summary>Advertised IP of this silo (defaults to loopback for the embedded mode, first non-loopback address otherwise).</summary>
    public string? AdvertisedIp { get; set; }
}
