using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ecosystem.Host.Storage.EventLog;

/// <summary>Where the log stands: the last sequence number committed, cluster-wide, and when.</summary>
public sealed record LogHead(long LastSeq, DateTimeOffset? LastAcceptedAt);

/// <summary>
/// Reads of the whole log for the channel team's pages (the dashboard), off the hot path: a person asks, the
/// database answers. Nothing here is used by grains or the intake.
/// </summary>
public static class EventLogReports
{
    /// <summary>The newest event's sequence number (0 for an empty log): an index lookup on the primary key.</summary>
    public static async Task<LogHead> HeadAsync(EcosystemDatabase database, IServiceProvider services, CancellationToken cancellationToken)
    {
        const string Sql = "SELECT seq, accepted_at FROM eco_events ORDER BY seq DESC LIMIT 1";
        if (database.IsPostgres)
        {
            await using var cmd = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(Sql);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new LogHead(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1))
                : new LogHead(0, null);
        }

        await using var conn = new SqliteConnection(database.LogConnectionString);
        await conn.OpenAsync(cancellationToken);
        await using var sqlite = conn.CreateCommand();
        sqlite.CommandText = Sql;
        await using var rows = await sqlite.ExecuteReaderAsync(cancellationToken);
        return await rows.ReadAsync(cancellationToken)
            ? new LogHead(rows.GetInt64(0), DateTimeOffset.Parse(rows.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            : new LogHead(0, null);
    }

    /// <summary>
    /// Deals whose registration was decided <c>pending_review</c> and that have no review event yet, newest first:
    /// candidates only, since a deal may have closed or expired since; the deal grain has the last word. The log has
    /// no index by type, so this scans it: fine for a page a person opens, not for anything on the hot path.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PendingRegistrationCandidatesAsync(
        EcosystemDatabase database, IServiceProvider services, int limit, CancellationToken cancellationToken)
    {
        // The decision is stored as {"registration":{"status":"pending_review",...}} in meta.
        const string Sql = """
            SELECT e.deal_id, max(e.seq) AS last_seq FROM eco_events e
            WHERE e.type = 'deal.registered' AND e.deal_id IS NOT NULL AND e.meta LIKE '%pending_review%'
              AND NOT EXISTS (SELECT 1 FROM eco_events r WHERE r.deal_id = e.deal_id AND r.type = 'deal.registration_reviewed')
            GROUP BY e.deal_id ORDER BY last_seq DESC LIMIT
            """;
        limit = Math.Clamp(limit, 1, 1000);
        var ids = new List<string>();
        if (database.IsPostgres)
        {
            await using var cmd = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(Sql + " @limit");
            cmd.Parameters.AddWithValue("limit", limit);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }

        await using var conn = new SqliteConnection(database.LogConnectionString);
        await conn.OpenAsync(cancellationToken);
        await using var sqlite = conn.CreateCommand();
        sqlite.CommandText = Sql + " $limit";
        sqlite.Parameters.AddWithValue("$limit", limit);
        await using var rows = await sqlite.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            ids.Add(rows.GetString(0));
        }

        return ids;
    }
}
