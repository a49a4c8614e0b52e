using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ecosystem.EventLog;

/// <summary>
/// Creates or upgrades the log's tables. Every step is idempotent, so it runs at every start-up; on PostgreSQL a
/// transaction-scoped advisory lock makes nodes that start together take turns.
/// </summary>
public static class EventLogSchema
{
    // Any fixed number: it names "the event log schema lock" among the database's advisory locks.
    private const long SchemaLockKey = 0x45_43_4F_4C_53_43_48;

    public static async Task ApplyAsync(EventLogSettings settings, CancellationToken cancellationToken)
    {
        if (settings.IsPostgres)
        {
            // Not pooled: the migration's connection closes when it is done instead of idling outside the log's capped pool.
            await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Pooling = false }.ConnectionString);
            await conn.OpenAsync(cancellationToken);
            await using var tx = await conn.BeginTransactionAsync(cancellationToken);
            await ExecAsync(conn, tx, $"SELECT pg_advisory_xact_lock({SchemaLockKey})", cancellationToken);
            await ExecAsync(conn, tx, Script("postgres/001_event_log.sql"), cancellationToken);
            await ExecAsync(conn, tx, Script("postgres/002_actors_and_versions.sql"), cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return;
        }

        await using var sqlite = new SqliteConnection(settings.ConnectionString);
        await sqlite.OpenAsync(cancellationToken);
        // WAL lets readers (grain catch-up, audit queries) run while the log is being appended to.
        await ExecAsync(sqlite, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        await using var sqliteTx = await sqlite.BeginTransactionAsync(cancellationToken);
        await ExecAsync(sqlite, sqliteTx, Script("sqlite/001_event_log.sql"), cancellationToken);
        // SQLite's ALTER TABLE has no IF NOT EXISTS: each column is added when the table lacks it.
        foreach (var (column, type) in new[] { ("actor", "TEXT"), ("schema_version", "INTEGER") })
        {
            await using var has = sqlite.CreateCommand();
            has.Transaction = (SqliteTransaction)sqliteTx;
            has.CommandText = "SELECT count(*) FROM pragma_table_info('eco_events') WHERE name = $name";
            has.Parameters.AddWithValue("$name", column);
            if ((long)(await has.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                await ExecAsync(sqlite, sqliteTx, $"ALTER TABLE eco_events ADD COLUMN {column} {type}", cancellationToken);
            }
        }

        await sqliteTx.CommitAsync(cancellationToken);
    }

    private static async Task ExecAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Script(string name)
    {
        using var stream = typeof(EventLogSchema).Assembly.GetManifestResourceStream("eventlog-sql/" + name)
            ?? throw new InvalidOperationException($"Embedded SQL script '{name}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
