using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Deals;
using Ecosystem.Domain.Events;

namespace Ecosystem.Grains.EventLog;

/// <summary>An event on its way into the log: the validated record, the JSON exactly as the client sent it, and any decision taken on it.</summary>
public sealed record PendingEvent(ActivityEvent Event, string RawJson, RegistrationDecision? Registration = null);

/// <summary>What the log made of one <see cref="PendingEvent"/>.</summary>
public readonly record struct AppendOutcome(long Seq, DateTimeOffset AcceptedAt, bool Duplicate)
{
    public static AppendOutcome DuplicateOf => new(0, default, true);
}

/// <summary>
/// The append-only event log: the source of truth that grain state is a cache of.
/// Appends are durable when the returned task completes; an event id is stored once, forever.
/// Sequence numbers grow in commit order, so a reader that sees <c>seq = n</c> sees every event below it.
/// </summary>
public interface IEventLog
{
    Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<PendingEvent> events, CancellationToken cancellationToken = default);

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

    /// <summary>Whether the database answers (for readiness).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);
}
