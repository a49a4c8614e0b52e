using Ecosystem.EventLog;
using Ecosystem.Host.Hosting;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ecosystem.Host.Storage;

/// <summary>Where the engine keeps its data, resolved once from configuration.</summary>
public sealed class EcosystemDatabase
{
    private EcosystemDatabase(string provider, string orleansConnectionString, string orleansInvariant, EventLogSettings eventLog)
    {
        Provider = provider;
        OrleansConnectionString = orleansConnectionString;
        OrleansInvariant = orleansInvariant;
        EventLog = eventLog;
    }

    public string Provider { get; }
    public bool IsPostgres => Provider == StorageOptions.Postgres;

    /// <summary>Grain snapshots, reminders and (PostgreSQL) membership.</summary>
    public string OrleansConnectionString { get; }

    /// <summary>The ADO.NET invariant Orleans knows the driver by (Orleans 10.4 calls Microsoft.Data.Sqlite "System.Data.SQLite").</summary>
    public string OrleansInvariant { get; }

    /// <summary>The event log's database and its share of the connection budget.</summary>
    public EventLogSettings EventLog { get; }

    /// <summary>The event log's connection string.</summary>
    public string LogConnectionString => EventLog.ConnectionString;

    /// <summary>Seconds a caller waits for a pooled connection when every one of the budget is busy, unless the connection string says.</summary>
    private const int PoolWaitSeconds = 60;

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

            // Requests wait for a connection of the budget rather than fail: the pool's wait is the connection timeout.
            if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
            {
                builder.Timeout = PoolWaitSeconds;
            }

            // One budget per node. Orleans' providers (storage, reminders, clustering) open their connections from one
            // connection string, so they share one Npgsql pool, capped here; the log has its own pool, capped at the rest.
            var budget = options.Storage.MaxConnections;
            var logShare = budget / 2;
            // Each pool names itself, so an operator reading pg_stat_activity sees which part of a node holds what.
            var application = string.IsNullOrEmpty(builder.ApplicationName) ? "ecosystem" : builder.ApplicationName;
            builder.MaxPoolSize = budget - logShare;
            builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);
            builder.ApplicationName = application + "-orleans";
            var orleans = builder.ConnectionString;
            builder.MaxPoolSize = logShare;
            builder.ApplicationName = application + "-log";
            var log = new EventLogSettings
            {
                Provider = EventLogSettings.Postgres,
                ConnectionString = builder.ConnectionString,
                MaxAppendBatch = options.Storage.MaxAppendBatch,
                MaxConnections = logShare,
            };
            return new EcosystemDatabase(StorageOptions.Postgres, orleans, "Npgsql", log);
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
        return new EcosystemDatabase(StorageOptions.Sqlite, Sqlite("orleans.db"), "System.Data.SQLite", new EventLogSettings
        {
            Provider = EventLogSettings.Sqlite,
            ConnectionString = Sqlite("events.db"),
            MaxAppendBatch = options.Storage.MaxAppendBatch,
        });
    }
}
