using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.EventLog;
using Npgsql;
using NpgsqlTypes;

namespace Ecosystem.Host.Storage.EventLog;

public sealed class PostgresEventStore(NpgsqlDataSource dataSource) : IEventStore
{
    // Appends take this transaction-scoped lock so that sequence numbers commit in order across nodes:
    // a reader that sees seq n then sees everything below n, which grain catch-up relies on.
    private const long AppendLockKey = 0x45_43_4F_4C_4F_47;

    private static readonly string AppendSql = $"""
        SELECT pg_advisory_xact_lock({AppendLockKey});
        INSERT INTO eco_events (event_id, type, occurred_at, accepted_at, deal_id, partner_id, lead_id, account_id, integration_id, payload, meta)
        SELECT u.event_id, u.type, u.occurred_at, @accepted_at, u.deal_id, u.partner_id, u.lead_id, u.account_id, u.integration_id, u.payload, u.meta
        FROM unnest(@ids, @types, @occurred, @deals, @partners, @leads, @accounts, @integrations, @payloads, @metas)
             AS u(event_id, type, occurred_at, deal_id, partner_id, lead_id, account_id, integration_id, payload, meta)
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id, seq;
        """;

    public async Task<AppendOutcome[]> AppendBatchAsync(IReadOnlyList<PendingEvent> events, DateTimeOffset acceptedAt, CancellationToken cancellationToken)
    {
        var n = events.Count;
        var ids = new string[n];
        var types = new string[n];
        var occurred = new DateTimeOffset[n];
        var deals = new string?[n];
        var partners = new string?[n];
        var leads = new string?[n];
        var accounts = new string?[n];
        var integrations = new string?[n];
        var payloads = new string[n];
        var metas = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var e = events[i].Event;
            ids[i] = e.Id;
            types[i] = e.Type;
            occurred[i] = e.OccurredAt;
            deals[i] = e.DealId;
            partners[i] = e.PartnerId;
            leads[i] = e.LeadId;
            accounts[i] = e.AccountId;
            integrations[i] = e.IntegrationId;
            payloads[i] = events[i].RawJson;
            metas[i] = EventRows.Meta(events[i]);
        }

        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(AppendSql, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("accepted_at", NpgsqlDbType.TimestampTz) { TypedValue = acceptedAt });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ids });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = types });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("occurred", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = occurred });
        cmd.Parameters.Add(new NpgsqlParameter<string?[]>("deals", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = deals });
        cmd.Parameters.Add(new NpgsqlParameter<string?[]>("partners", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = partners });
        cmd.Parameters.Add(new NpgsqlParameter<string?[]>("leads", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = leads });
        cmd.Parameters.Add(new NpgsqlParameter<string?[]>("accounts", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = accounts });
        cmd.Parameters.Add(new NpgsqlParameter<string?[]>("integrations", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = integrations });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = payloads });
        cmd.Parameters.Add(new NpgsqlParameter<string?[]>("metas", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = metas });

        var inserted = new Dictionary<string, long>(n, StringComparer.Ordinal);
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            // The first result is the lock's; the rows of the insert follow.
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        await tx.CommitAsync(cancellationToken);

        var outcomes = new AppendOutcome[n];
        for (var i = 0; i < n; i++)
        {
            outcomes[i] = inserted.TryGetValue(ids[i], out var seq) ? new AppendOutcome(seq, acceptedAt, false) : AppendOutcome.DuplicateOf;
        }

        return outcomes;
    }

    public async Task<IReadOnlyList<LoggedEvent>> ReadStreamAsync(StreamKind kind, string key, long afterSeq, int limit, IReadOnlyCollection<long>? except, CancellationToken cancellationToken)
    {
        var leaveOut = except is { Count: > 0 } ? " AND seq <> ALL(@except)" : "";
        await using var cmd = dataSource.CreateCommand(
            $"SELECT seq, accepted_at, payload, meta FROM eco_events WHERE {EventRows.Column(kind)} = @key AND seq > @after{leaveOut} ORDER BY seq LIMIT @limit");
        cmd.Parameters.AddWithValue("key", key);
        cmd.Parameters.AddWithValue("after", afterSeq);
        cmd.Parameters.AddWithValue("limit", limit);
        if (leaveOut.Length > 0)
        {
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("except", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. except!] });
        }
        var list = new List<LoggedEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(EventRows.Read(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return list;
    }

    public async Task<IReadOnlyList<string>> StreamKeysAsync(StreamKind kind, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        var column = EventRows.Column(kind);
        // COLLATE "C": byte order whatever the database locale, so paging by "after the last key" is stable.
        await using var cmd = dataSource.CreateCommand(
            $"SELECT DISTINCT {column} COLLATE \"C\" AS k FROM eco_events WHERE {column} IS NOT NULL AND {column} COLLATE \"C\" > @after ORDER BY k LIMIT @limit");
        cmd.Parameters.AddWithValue("after", afterKey ?? "");
        cmd.Parameters.AddWithValue("limit", limit);
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
        await using var cmd = dataSource.CreateCommand($"SELECT count(DISTINCT {EventRows.Column(kind)}) FROM eco_events");
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("SELECT 1");
        return await cmd.ExecuteScalarAsync(cancellationToken) is 1;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
