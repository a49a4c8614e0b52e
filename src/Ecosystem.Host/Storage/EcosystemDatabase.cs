using Npgsql;
using Ecosystem.Host.Hosting;
using Microsoft.Data.Sqlite;

namespace Ecosystem.Host.Storage;

/// <summary>Where the engine keeps its data, resolved once from configuration.</summary>
public sealed class EcosystemDatabase
{
    private EcosystemDatabase(string provider, string orleansConnectionString, string orleansInvariant, string logConnectionString)
    {
        Provider = provider;
        OrleansConnectionString = orleansConnectionString;
        OrleansInvariant = orleansInvariant;
        LogConnectionString = logConnectionString;
    }

    public string Provider { get; }
    public bool IsPostgres => Provider == StorageOptions.Postgres;

    /// <summary>Grain snapshots, reminders and (PostgreSQL) membership.</summary>
    public string OrleansConnectionString { get; }

    /// <summary>The ADO.NET invariant Orleans knows the driver by (Orleans 10.4 calls Microsoft.Data.Sqlite "System.Data.SQLite").</summary>
    public string OrleansInvariant { get; }

    /// <summary>The event log.</summary>
    public string LogConnectionString { get; }

    public static EcosystemDatabase From(EcosystemOptions options, string? connectionString)
    {
        if (options.Storage.Provider == StorageOptions.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Ecosystem:Storage:Provider is 'postgres' but ConnectionStrings:Ecosystem is empty.");
            }

            // The engine never changes session state, so the DISCARD ALL that Npgsql sends when a pooled
            // connection is returned is a wasted round trip per storage call; an explicit setting wins.
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
            {
                builder.NoResetOnClose = true;
            }

            var pg = builder.ConnectionString;
            return new EcosystemDatabase(StorageOptions.Postgres, pg, "Npgsql", pg);
        }

        var dir = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dir);
        string Sqlite(string file) => new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dir, file),
            Cache = SqliteCacheMode.Default,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        return new EcosystemDatabase(StorageOptions.Sqlite, Sqlite("orleans.db"), "System.Data.SQLite", Sqlite("events.db"));
    }
}
