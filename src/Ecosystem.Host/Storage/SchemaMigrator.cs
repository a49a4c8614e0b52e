using System.Data.Common;
using Microsoft.Data.Sqlite;
using Ecosystem.EventLog;
using Npgsql;

namespace Ecosystem.Host.Storage;

/// <summary>
/// Creates or upgrades the schema at start-up: Orleans' tables here, the event log's by <see cref="EventLogSchema"/>. Every script is idempotent; on PostgreSQL a
/// transaction-scoped advisory lock makes nodes that start together take turns.
/// </summary>
public static class SchemaMigrator
{
    // Any fixed number: it names "the ecosystem schema lock" among the database's advisory locks.
    private const long SchemaLockKey = 0x45_43_4F_53_43_48_45_4D;

    public static async Task ApplyAsync(EcosystemDatabase db, ILogger logger, CancellationToken cancellationToken)
    {
        if (db.IsPostgres)
        {
            await using var conn = new NpgsqlConnection(db.OrleansConnectionString);
            await conn.OpenAsync(cancellationToken);
            await using var tx = await conn.BeginTransactionAsync(cancellationToken);
            await ExecAsync(conn, tx, $"SELECT pg_advisory_xact_lock({SchemaLockKey})", cancellationToken);
            await ExecAsync(conn, tx, Script("postgres/001_orleans.sql"), cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        else
        {
            await ApplySqliteAsync(db.OrleansConnectionString, "sqlite/001_orleans.sql", cancellationToken);
        }

        // The log's own tables and migrations belong to the log.
        await EventLogSchema.ApplyAsync(db.EventLog, cancellationToken);

        logger.LogInformation("Schema ready on {Provider}", db.Provider);
    }

    private static async Task ApplySqliteAsync(string connectionString, string script, CancellationToken cancellationToken)
    {
        await using var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        // WAL lets readers (grain catch-up, audit queries) run while the log is being appended to.
        await ExecAsync(conn, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        await ExecAsync(conn, tx, Script(script), cancellationToken);
        await tx.CommitAsync(cancellationToken);
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
        using var stream = typeof(SchemaMigrator).Assembly.GetManifestResourceStream("sql/" + name)
            ?? throw new InvalidOperationException($"Embedded SQL script '{name}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
