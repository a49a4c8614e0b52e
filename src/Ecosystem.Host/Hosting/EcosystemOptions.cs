using System.ComponentModel.DataAnnotations;

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

    public StorageOptions Storage { get; set; } = new();

    public ClusterSettings Cluster { get; set; } = new();

    /// <summary>Write logs as compact JSON (one object per line) instead of text.</summary>
    public bool JsonLogs { get; set; }
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
