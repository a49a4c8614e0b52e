using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Npgsql;
using NpgsqlTypes;

namespace Ecosystem.EventLog.Stores;

public sealed class PostgresEventStore(NpgsqlDataSource dataSource) : IEventStore
{
    // Appends take this transaction-scoped lock so that sequence numbers commit in order across nodes:
    // a reader that sees seq n then sees everything below n, which grain catch-up relies on.
    private const long AppendLockKey = 0x45_43_4F_4C_4F_47;

    private static readonly string AppendSql = $"""
        SELECT pg_advisory_xact_lock({AppendLockKey});
        INSERT INTO eco_events (event_id, type, occurred_at, accepted_at, deal_id, partner_id, lead_id, account_id, integration_id, payload, meta, actor, schema_version)
        SELECT u.event_id, u.type, u.occurred_at, @accepted_at, u.deal_id, u.partner_id, u.lead_id, u.account_id, u.integration_id, u.payload, u.meta, u.actor, {StoredEvents.CurrentVersion}
        FROM unnest(@ids, @types, @occurred, @deals, @partners, @leads, @accounts, @integrations, @payloads, @metas, @actors)
             AS u(event_id, type, occurred_at, deal_id, partner_id, lead_id, account_id, integration_id, payload, meta, actor)
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
        var actors = new string[n];
        (EventActor? Actor, string Json) lastActor = (null, "");
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
            payloads[i] = StoredEvents.Payload(e);
            metas[i] = StoredEvents.Meta(events[i]);
            // A request's events share one actor: serialized once, not once per event.
            if (!ReferenceEquals(lastActor.Actor, events[i].Actor))
            {
                lastActor = (events[i].Actor, StoredEvents.Actor(events[i].Actor));
            }

            actors[i] = lastActor.Json;
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
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("actors", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = actors });

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
            $"SELECT {Columns} FROM eco_events WHERE {StoredEvents.Column(kind)} = @key AND seq > @after{leaveOut} ORDER BY seq LIMIT @limit");
        cmd.Parameters.AddWithValue("key", key);
        cmd.Parameters.AddWithValue("after", afterSeq);
        cmd.Parameters.AddWithValue("limit", limit);
        if (leaveOut.Length > 0)
        {
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("except", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. except!] });
        }
        return await ReadEventsAsync(cmd, cancellationToken);
    }

    private const string Columns = "seq, accepted_at, payload, meta, actor, schema_version";

    private static async Task<IReadOnlyList<LoggedEvent>> ReadEventsAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        var list = new List<LoggedEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(StoredEvents.Read(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt16(5)));
        }

        return list;
    }

    public async Task<LogHead> HeadAsync(CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("SELECT seq, accepted_at FROM eco_events ORDER BY seq DESC LIMIT 1");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new LogHead(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1))
            : new LogHead(0, null);
    }

    public async Task<IReadOnlyList<string>> PendingRegistrationCandidatesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand(StoredEvents.PendingRegistrationsSql + " @limit");
        cmd.Parameters.AddWithValue("limit", limit);
        var ids = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public async Task<IReadOnlyList<LoggedEvent>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        await using var cmd = dataSource.CreateCommand();
        if (query.After is { } after)
        {
            where.Add(query.Ascending ? "seq > @after" : "seq < @after");
            cmd.Parameters.AddWithValue("after", after);
        }

        if (query.Type is { } type)
        {
            where.Add("type = @type");
            cmd.Parameters.AddWithValue("type", type);
        }

        if (query.ActorKey is { } actor)
        {
            // Actors are stored as JSON text; the audit is a person's page, so a scan of the rows it pages through is fine.
            where.Add("(actor::jsonb ->> 'keyId' = @actor OR actor::jsonb ->> 'partnerId' = @actor OR actor::jsonb ->> 'userId' = @actor OR actor::jsonb ->> 'role' = @actor)");
            cmd.Parameters.AddWithValue("actor", actor);
        }

        cmd.CommandText = $"SELECT {Columns} FROM eco_events{(where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))} ORDER BY seq {(query.Ascending ? "ASC" : "DESC")} LIMIT @limit";
        cmd.Parameters.AddWithValue("limit", query.Limit);
        return await ReadEventsAsync(cmd, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> StreamKeysAsync(StreamKind kind, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        var column = StoredEvents.Column(kind);
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
        await using var cmd = dataSource.CreateCommand($"SELECT count(DISTINCT {StoredEvents.Column(kind)}) FROM eco_events");
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("SELECT 1");
        return await cmd.ExecuteScalarAsync(cancellationToken) is 1;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
