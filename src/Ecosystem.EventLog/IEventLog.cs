using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;

namespace Ecosystem.EventLog;

/// <summary>
/// An event on its way into the log: the validated record, who sent it, and the decision the grain that owns the
/// event's state took on it (a registration's status, a touch that is a claim), stored with it so a replay decides the same.
/// </summary>
public sealed record PendingEvent(ActivityEvent Event, EventActor Actor, Domain.Deals.RegistrationDecision? Registration = null, bool IsClaim = false);

/// <summary>What the log made of one <see cref="PendingEvent"/>.</summary>
public readonly record struct AppendOutcome(long Seq, DateTimeOffset AcceptedAt, bool Duplicate)
{
    public static AppendOutcome DuplicateOf => new(0, default, true);

    public LoggedEvent ToLogged(PendingEvent e) => new(Seq, AcceptedAt, e.Event, e.Actor, e.Registration, e.IsClaim);
}

/// <summary>
/// The grain that appends an event from inside its own turn (a registration decided by its account, an answer by its
/// lead). It folds its own event itself; the dispatcher delivers the event to every other grain it concerns.
/// </summary>
public readonly record struct EventOrigin(StreamKind Kind, string Key);

/// <summary>
/// The append-only event log: the source of truth that grain state is a cache of, and its only write API.
/// Appends are durable when the returned task completes; an event id is stored once, forever. Sequence numbers grow in
/// commit order, so a reader that sees <c>seq = n</c> sees every event below it. After each commit the log hands the
/// new events to the <see cref="IEventDispatcher"/>, once per commit.
/// </summary>
public interface IEventLog
{
    /// <summary>
    /// Appends and returns once the events are durable and delivered to the grains they concern. With an
    /// <paramref name="origin"/> (a grain appending from its turn), that grain is left out of the delivery, and the call
    /// returns once the others that are not themselves appending in the same commit have the events.
    /// </summary>
    Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<PendingEvent> events, EventOrigin? origin = null, CancellationToken cancellationToken = default);

    /// <summary>The events of one deal, partner, lead, account or integration after <paramref name="afterSeq"/>, in log order.</summary>
    Task<IReadOnlyList<LoggedEvent>> ReadStreamAsync(StreamKind kind, string key, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The same, leaving out the events in <paramref name="except"/> (those the reader already holds): a grain checking
    /// for a delivery it missed reads back only what it lacks, not every event since its watermark.
    /// </summary>
    Task<IReadOnlyList<LoggedEvent>> ReadStreamAsync(StreamKind kind, string key, long afterSeq, int limit, IReadOnlyCollection<long>? except, CancellationToken cancellationToken = default);

    /// <summary>The keys of the streams of a kind (e.g. every deal id), in ordinal order, after <paramref name="afterKey"/>.</summary>
    Task<IReadOnlyList<string>> StreamKeysAsync(StreamKind kind, string? afterKey, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many streams of a kind the log holds.</summary>
    Task<long> CountStreamsAsync(StreamKind kind, CancellationToken cancellationToken = default);

    /// <summary>The newest event's sequence number (0 for an empty log) and when it was accepted.</summary>
    Task<LogHead> HeadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deals whose registration was decided <c>pending_review</c> and that have no review event yet, newest first:
    /// candidates only (a deal may have closed or expired since; the deal grain has the last word).
    /// </summary>
    Task<IReadOnlyList<string>> PendingRegistrationCandidatesAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>The whole log, filtered and paged, for the audit (newest first unless <see cref="AuditQuery.Ascending"/>).</summary>
    Task<IReadOnlyList<LoggedEvent>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Whether the database answers (for readiness).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>Where the log stands: the last sequence number committed, cluster-wide, and when.</summary>
public sealed record LogHead(long LastSeq, DateTimeOffset? LastAcceptedAt);

/// <summary>
/// A page of the whole log. <see cref="ActorKey"/> matches an actor's key id, partner id or user id; <see cref="Type"/>
/// an event type; <see cref="After"/> is the sequence number the page continues from (exclusive).
/// </summary>
public sealed record AuditQuery(string? ActorKey, string? Type, long? After, int Limit, bool Ascending);

/// <summary>One event of a commit, with the grain that wrote it from its turn (null for the intake's events).</summary>
public readonly record struct CommittedEvent(LoggedEvent Event, EventOrigin? Origin);

/// <summary>
/// Hands the events of one commit to the grains they concern (implemented beside the grains). An event never goes back
/// to its own origin. <paramref name="include"/> says which grains this call serves: the log calls twice per commit,
/// once for the grains that are not appending in that commit (their writers wait for it) and once for those that are.
/// </summary>
public interface IEventDispatcher
{
    Task DispatchAsync(IReadOnlyList<CommittedEvent> events, Func<EventOrigin, bool> include);
}

/// <summary>The database did not take the append; nothing of it is durable and the client should retry.</summary>
public sealed class EventLogUnavailableException(string message, Exception inner) : Exception(message, inner);
