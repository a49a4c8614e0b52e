using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ecosystem.Testing;

/// <summary>
/// A real PostgreSQL for the tests. Uses <c>ECOSYSTEM_TEST_POSTGRES</c> (a connection string with the
/// right to create databases) when set; otherwise starts a throwaway server from the machine's
/// PostgreSQL binaries (as the postgres user when running as root, since PostgreSQL refuses root).
/// Each test class asks for its own database, so no test sees another's rows.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _dataDir;
    private string? _binDir;
    private bool _asPostgresUser;
    private int _port;
    private bool _running;

    public string AdminConnectionString { get; private set; } = "";

    /// <summary>
    /// Start a server of its own even when <c>ECOSYSTEM_TEST_POSTGRES</c> names one: for tests that stop and start
    /// the database (<see cref="StopAsync"/>), which must not take a shared server down. Set before initializing.
    /// </summary>
    public bool StartOwnServer { get; init; }

    /// <summary>Whether this instance started the server itself (and so can stop and start it).</summary>
    public bool OwnsServer => _dataDir is not null;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("ECOSYSTEM_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external) && !StartOwnServer)
        {
            AdminConnectionString = external;
            return;
        }

        _binDir = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Install them (apt-get install -y postgresql) " +
            "or set ECOSYSTEM_TEST_POSTGRES to a connection string.");
        _asPostgresUser = Environment.UserName == "root";
        _dataDir = Path.Combine(Path.GetTempPath(), "eco-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dataDir);
        if (_asPostgresUser)
        {
            await RunAsync("chown", $"postgres {_dataDir}", asPostgres: false);
        }

        _port = FreePort();
        await RunAsync(Path.Combine(_binDir, "initdb"), $"-D {_dataDir}/db -U postgres -A trust --no-sync -E UTF8", _asPostgresUser);
        await StartAsync();
        AdminConnectionString = $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false";
    }

    /// <summary>
    /// Starts the server this instance owns again after <see cref="StopAsync"/> (same port, same data), and waits
    /// until it accepts connections.
    /// </summary>
    public async Task StartAsync()
    {
        EnsureOwned();
        // fsync stays on: the kill -9 tests are about durability, and a test server that cheats would hide a bug.
        await RunAsync(Path.Combine(_binDir!, "pg_ctl"),
            $"-D {_dataDir}/db -l {_dataDir}/log -w -t 60 -o \"-p {_port} -k {_dataDir} -c listen_addresses=127.0.0.1 -c max_connections=300\" start",
            _asPostgresUser);
        _running = true;
    }

    /// <summary>
    /// Stops the server this instance owns and returns once it is down. <paramref name="mode"/> is pg_ctl's:
    /// <c>immediate</c> (the default) is a crash as far as clients can tell (connections cut, recovery from the WAL at
    /// the next start); <c>fast</c> aborts open transactions and shuts down cleanly.
    /// </summary>
    public async Task StopAsync(string mode = "immediate")
    {
        EnsureOwned();
        if (mode is not ("immediate" or "fast" or "smart"))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "pg_ctl stop modes are smart, fast and immediate.");
        }

        await RunAsync(Path.Combine(_binDir!, "pg_ctl"), $"-D {_dataDir}/db -m {mode} -w -t 60 stop", _asPostgresUser);
        _running = false;
    }

    private void EnsureOwned()
    {
        if (_dataDir is null || _binDir is null)
        {
            throw new InvalidOperationException(
                "This PostgreSQL was not started by the tests (ECOSYSTEM_TEST_POSTGRES), so it cannot be stopped or started; set StartOwnServer.");
        }
    }

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)].ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true };
        return builder.ConnectionString;
    }

    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>Something that lives as long as the server (a shared host), disposed before the server stops.</summary>
    public void Own(IAsyncDisposable resource)
    {
        lock (_owned)
        {
            _owned.Add(resource);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var resource in _owned)
        {
            await resource.DisposeAsync();
        }

        if (_dataDir is null || _binDir is null)
        {
            return;
        }

        try
        {
            // A test that stopped the server and failed before starting it again leaves nothing to stop.
            if (_running)
            {
                await RunAsync(Path.Combine(_binDir, "pg_ctl"), $"-D {_dataDir}/db -m immediate -w stop", _asPostgresUser);
            }
        }
        finally
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        return Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
    }

    private static async Task RunAsync(string file, string arguments, bool asPostgres)
    {
        var psi = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({p.ExitCode}): {await stdout}{await stderr}");
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

