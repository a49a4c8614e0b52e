using System.Globalization;
using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Microsoft.Data.Sqlite;

namespace Ecosystem.EventLog.Stores;

/// <summary>
/// The log on SQLite. Only one node uses an embedded database, and only the group-commit loop appends,
/// so appends go through one long-lived connection; reads use the pool.
/// </summary>
public sealed class SqliteEventStore(string connectionString) : IEventStore
{
    private SqliteConnection? _writer;

    public async Task<AppendOutcome[]> AppendBatchAsync(IReadOnlyList<PendingEvent> events, DateTimeOffset acceptedAt, CancellationToken cancellationToken)
    {
        var conn = await WriterAsync(cancellationToken);
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO eco_events (event_id, type, occurred_at, accepted_at, deal_id, partner_id, lead_id, account_id, integration_id, payload, meta, actor, schema_version)
            VALUES ($id, $type, $occurred, $accepted, $deal, $partner, $lead, $account, $integration, $payload, $meta, $actor, $version)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING seq
            """;
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        var type = cmd.Parameters.Add("$type", SqliteType.Text);
        var occurred = cmd.Parameters.Add("$occurred", SqliteType.Text);
        cmd.Parameters.AddWithValue("$accepted", Format(acceptedAt));
        var deal = cmd.Parameters.Add("$deal", SqliteType.Text);
        var partner = cmd.Parameters.Add("$partner", SqliteType.Text);
        var lead = cmd.Parameters.Add("$lead", SqliteType.Text);
        var account = cmd.Parameters.Add("$account", SqliteType.Text);
        var integration = cmd.Parameters.Add("$integration", SqliteType.Text);
        var payload = cmd.Parameters.Add("$payload", SqliteType.Text);
        var meta = cmd.Parameters.Add("$meta", SqliteType.Text);
        var actor = cmd.Parameters.Add("$actor", SqliteType.Text);
        cmd.Parameters.AddWithValue("$version", StoredEvents.CurrentVersion);
        (EventActor? Actor, string Json) lastActor = (null, "");

        var outcomes = new AppendOutcome[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i].Event;
            id.Value = e.Id;
            type.Value = e.Type;
            occurred.Value = Format(e.OccurredAt);
            deal.Value = (object?)e.DealId ?? DBNull.Value;
            partner.Value = (object?)e.PartnerId ?? DBNull.Value;
            lead.Value = (object?)e.LeadId ?? DBNull.Value;
            account.Value = (object?)e.AccountId ?? DBNull.Value;
            integration.Value = (object?)e.IntegrationId ?? DBNull.Value;
            payload.Value = StoredEvents.Payload(e);
            meta.Value = (object?)StoredEvents.Meta(events[i]) ?? DBNull.Value;
            if (!ReferenceEquals(lastActor.Actor, events[i].Actor))
            {
                lastActor = (events[i].Actor, StoredEvents.Actor(events[i].Actor));
            }

            actor.Value = lastActor.Json;
            var seq = await cmd.ExecuteScalarAsync(cancellationToken);
            outcomes[i] = seq is long s ? new AppendOutcome(s, acceptedAt, false) : AppendOutcome.DuplicateOf;
        }

        await tx.CommitAsync(cancellationToken);
        return outcomes;
    }

    private async Task<SqliteConnection> WriterAsync(CancellationToken cancellationToken)
    {
        if (_writer is { State: System.Data.ConnectionState.Open })
        {
            return _writer;
        }

        _writer?.Dispose();
        var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await using (var pragma = conn.CreateCommand())
        {
            // FULL: a commit is on disk before the intake answers "accepted", even if the machine loses power.
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        return _writer = conn;
    }

    public async Task<IReadOnlyList<LoggedEvent>> ReadStreamAsync(StreamKind kind, string key, long afterSeq, int limit, IReadOnlyCollection<long>? except, CancellationToken cancellationToken)
    {
        await using var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        // Sequence numbers are integers the engine produced, written as literals (SQLite has no array parameters).
        var leaveOut = except is { Count: > 0 }
            ? " AND seq NOT IN (" + string.Join(',', except.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")"
            : "";
        cmd.CommandText = $"SELECT {Columns} FROM eco_events WHERE {StoredEvents.Column(kind)} = $key AND seq > $after{leaveOut} ORDER BY seq LIMIT $limit";
        cmd.Parameters.AddWithValue("$key", key);
        cmd.Parameters.AddWithValue("$after", afterSeq);
        cmd.Parameters.AddWithValue("$limit", limit);
        return await ReadEventsAsync(cmd, cancellationToken);
    }

    private const string Columns = "seq, accepted_at, payload, meta, actor, schema_version";

    private static async Task<IReadOnlyList<LoggedEvent>> ReadEventsAsync(SqliteCommand cmd, CancellationToken cancellationToken)
    {
        var list = new List<LoggedEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(StoredEvents.Read(reader.GetInt64(0), ParseTime(reader.GetString(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5)));
        }

        return list;
    }

    private static DateTimeOffset ParseTime(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public async Task<LogHead> HeadAsync(CancellationToken cancellationToken)
    {
        await using var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT seq, accepted_at FROM eco_events ORDER BY seq DESC LIMIT 1";
        await using var rows = await cmd.ExecuteReaderAsync(cancellationToken);
        return await rows.ReadAsync(cancellationToken) ? new LogHead(rows.GetInt64(0), ParseTime(rows.GetString(1))) : new LogHead(0, null);
    }

    public async Task<IReadOnlyList<string>> PendingRegistrationCandidatesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = StoredEvents.PendingRegistrationsSql + " $limit";
        cmd.Parameters.AddWithValue("$limit", limit);
        var ids = new List<string>();
        await using var rows = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            ids.Add(rows.GetString(0));
        }

        return ids;
    }

    public async Task<IReadOnlyList<LoggedEvent>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        var where = new List<string>();
        if (query.After is { } after)
        {
            where.Add(query.Ascending ? "seq > $after" : "seq < $after");
            cmd.Parameters.AddWithValue("$after", after);
        }

        if (query.Type is { } type)
        {
            where.Add("type = $type");
            cmd.Parameters.AddWithValue("$type", type);
        }

        if (query.ActorKey is { } actor)
        {
            where.Add("(json_extract(actor, '$.keyId') = $actor OR json_extract(actor, '$.partnerId') = $actor OR json_extract(actor, '$.userId') = $actor OR json_extract(actor, '$.role') = $actor)");
            cmd.Parameters.AddWithValue("$actor", actor);
        }

        cmd.CommandText = $"SELECT {Columns} FROM eco_events{(where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))} ORDER BY seq {(query.Ascending ? "ASC" : "DESC")} LIMIT $limit";
        cmd.Parameters.AddWithValue("$limit", query.Limit);
        return await ReadEventsAsync(cmd, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> StreamKeysAsync(StreamKind kind, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        var column = StoredEvents.Column(kind);
        await using var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        // Paging follows SQLite's BINARY collation (byte order) in both the filter and the sort.
        cmd.CommandText = $"SELECT DISTINCT {column} FROM eco_events WHERE {column} IS NOT NULL AND {column} > $after ORDER BY {column} LIMIT $limit";
        cmd.Parameters.AddWithValue("$after", afterKey ?? "");
        cmd.Parameters.AddWithValue("$limit", limit);
        var keys = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    public async Task<long> CountStreamsAsync(StreamKind kind, CancellationToken cancellationToken)
    {
        await using var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT count(DISTINCT {StoredEvents.Column(kind)}) FROM eco_events";
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var conn = new SqliteConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT 1";
        return await cmd.ExecuteScalarAsync(cancellationToken) is 1L;
    }

    private static string Format(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
    }
}
