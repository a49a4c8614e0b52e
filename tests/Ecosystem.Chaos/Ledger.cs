using System.Collections.Concurrent;

namespace Ecosystem.Chaos;

/// <summary>What one event names: the streams it belongs to, so it can be looked for in each of them.</summary>
internal sealed record EventInfo(string Id, string Type, string? DealId, string? PartnerId, string? LeadId);

/// <summary>
/// Every event sent and how the engine answered it. An event answered <c>accepted</c> or <c>duplicate</c> is durable
/// by contract: it must be in the log and in the views of every stream it names, once.
/// </summary>
internal sealed class Ledger
{
    private readonly ConcurrentDictionary<string, EventInfo> _durable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _rejected = new(StringComparer.Ordinal);
    private long _answeredAccepted;
    private long _answeredDuplicate;
    private long _duplicateOnRetry;

    public IReadOnlyCollection<EventInfo> Durable => [.. _durable.Values];
    public int DurableCount => _durable.Count;
    public long AnsweredAccepted => Interlocked.Read(ref _answeredAccepted);
    public long AnsweredDuplicate => Interlocked.Read(ref _answeredDuplicate);

    /// <summary>Events answered <c>duplicate</c> on a retry that had no earlier answer: the failed attempt had committed them.</summary>
    public long DuplicateOnRetry => Interlocked.Read(ref _duplicateOnRetry);

    public IReadOnlyDictionary<string, string> Rejected => _rejected;

    public bool IsDurable(string id) => _durable.ContainsKey(id);

    public void Record(EventInfo e, string status, string? error, bool retried)
    {
        switch (status)
        {
            case "accepted":
                Interlocked.Increment(ref _answeredAccepted);
                _durable[e.Id] = e;
                break;
            case "duplicate":
                Interlocked.Increment(ref _answeredDuplicate);
                if (retried && !_durable.ContainsKey(e.Id))
                {
                    Interlocked.Increment(ref _duplicateOnRetry);
                }

                _durable[e.Id] = e;
                break;
            default:
                _rejected[e.Id] = error ?? status;
                break;
        }
    }
}
