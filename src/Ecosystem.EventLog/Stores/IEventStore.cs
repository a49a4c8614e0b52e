using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;

namespace Ecosystem.EventLog.Stores;

/// <summary>
/// One database's way of appending to and reading the log, and every query of the whole log. Batching lives above it,
/// in <see cref="GroupCommitEventLog"/>; the stored form (<see cref="StoredEvents"/>) is shared by both databases.
/// </summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>Appends in one transaction. Ids must be distinct within the batch.</summary>
    Task<AppendOutcome[]> AppendBatchAsync(IReadOnlyList<PendingEvent> events, DateTimeOffset acceptedAt, CancellationToken cancellationToken);

    /// <param name="except">Sequence numbers to leave out (already held by the reader); null for none.</param>
    Task<IReadOnlyList<LoggedEvent>> ReadStreamAsync(StreamKind kind, string key, long afterSeq, int limit, IReadOnlyCollection<long>? except, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> StreamKeysAsync(StreamKind kind, string? afterKey, int limit, CancellationToken cancellationToken);

    Task<long> CountStreamsAsync(StreamKind kind, CancellationToken cancellationToken);

    Task<LogHead> HeadAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> PendingRegistrationCandidatesAsync(int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<LoggedEvent>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    Task<bool> PingAsync(CancellationToken cancellationToken);
}
