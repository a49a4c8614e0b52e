using System.Text.Json;
using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Deals;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.EventLog;

namespace Ecosystem.Host.Storage.EventLog;

/// <summary>One database's way of appending to and reading the log. Batching lives above it, in <see cref="GroupCommitEventLog"/>.</summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>Appends in one transaction. Ids must be distinct within the batch.</summary>
    Task<AppendOutcome[]> AppendBatchAsync(IReadOnlyList<PendingEvent> events, DateTimeOffset acceptedAt, CancellationToken cancellationToken);

    /// <param name="except">Sequence numbers to leave out (already held by the reader); null for none.</param>
    Task<IReadOnlyList<LoggedEvent>> ReadStreamAsync(StreamKind kind, string key, long afterSeq, int limit, IReadOnlyCollection<long>? except, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> StreamKeysAsync(StreamKind kind, string? afterKey, int limit, CancellationToken cancellationToken);

    Task<long> CountStreamsAsync(StreamKind kind, CancellationToken cancellationToken);

    Task<bool> PingAsync(CancellationToken cancellationToken);
}

internal static class EventRows
{
    public static string Column(StreamKind kind) => kind switch
    {
        StreamKind.Deal => "deal_id",
        StreamKind.Partner => "partner_id",
        StreamKind.Lead => "lead_id",
        StreamKind.Account => "account_id",
        StreamKind.Integration => "integration_id",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static readonly JsonSerializerOptions MetaJson = new(JsonSerializerDefaults.Web);

    /// <summary>The decision stored beside a registration, as JSON (null when there is none).</summary>
    public static string? Meta(PendingEvent e) =>
        e.Registration is null ? null : JsonSerializer.Serialize(new EventMeta(e.Registration), MetaJson);

    /// <summary>Rebuilds the event from the JSON the client sent; the same rules that accepted it read it back.</summary>
    public static LoggedEvent Read(long seq, DateTimeOffset acceptedAt, string payload, string? meta)
    {
        using var doc = JsonDocument.Parse(payload);
        var parsed = EventParser.Parse(doc.RootElement, now: null);
        if (parsed.Event is null)
        {
            throw new InvalidDataException($"Logged event {seq} no longer parses: {parsed.Error}");
        }

        var registration = meta is null ? null : JsonSerializer.Deserialize<EventMeta>(meta, MetaJson)?.Registration;
        return new LoggedEvent(seq, acceptedAt, parsed.Event, payload, registration);
    }

    private sealed record EventMeta(RegistrationDecision? Registration);
}
