using System.Globalization;
using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.EventLog;
using Microsoft.Data.Sqlite;

namespace Ecosystem.Host.Storage.EventLog;

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
            INSERT INTO eco_events (event_id, type, occurred_at, accepted_at, deal_id, partner_id, lead_id, account_id, integration_id, payload, meta)
            VALUES ($id, $type, $occurred, $accepted, $deal, $partner, $lead, $account, $integration, $payload, $meta)
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
            payload.Value = events[i].RawJson;
            meta.Value = (object?)EventRows.Meta(events[i]) ?? DBNull.Value;
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
        cmd.CommandText = $"SELECT seq, accepted_at, payload, meta FROM eco_events WHERE {EventRows.Column(kind)} = $key AND seq > $after{leaveOut} ORDER BY seq LIMIT $limit";
        cmd.Parameters.AddWithValue("$key", key);
        cmd.Parameters.AddWithValue("$after", afterSeq);
        cmd.Parameters.AddWithValue("$limit", limit);
        var list = new List<LoggedEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var acceptedAt = DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            list.Add(EventRows.Read(reader.GetInt64(0), acceptedAt, reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return list;
    }

    public async Task<IReadOnlyList<string>> StreamKeysAsync(StreamKind kind, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        var column = EventRows.Column(kind);
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
        cmd.CommandText = $"SELECT count(DISTINCT {EventRows.Column(kind)}) FROM eco_events";
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
