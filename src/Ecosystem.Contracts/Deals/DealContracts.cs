using Orleans.Concurrency;
using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;

namespace Ecosystem.Contracts.Deals;

public interface IDealGrain : IEventStreamGrain
{
    /// <summary>The deal view, or null when no event of this deal was ever accepted.</summary>
    [AlwaysInterleave]
    Task<DealView?> GetView();

    /// <summary>
    /// Whether the partner is part of the deal: its registrant, or a partner with a touch that counts (sent by a
    /// participant, by staff or by the engine, or an approved claim). What lets a partner key see the deal and join its
    /// room. Once true it stays true, so a caller may act on it without asking again.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> IsParticipant(string partnerId);

    /// <summary>
    /// Decides, logs and folds an event that only the deal can judge, one at a time: a registration review (only while
    /// pending), a claim review (only of a pending claim), or a partner's touch (a claim when the partner is not part of
    /// the deal yet). Returns the logged event, or why it was rejected, or that its id was logged before.
    /// </summary>
    Task<CommandResult> Decide(ActivityEvent e, EventActor actor);

    /// <summary>The credits under <paramref name="model"/> (null: the program's default model).</summary>
    [AlwaysInterleave]
    Task<DealAttributionView?> GetAttribution(string? model);

    /// <summary>
    /// Forgets the in-memory state and refolds the deal's whole history from the log under the current
    /// program, then re-sends its partners' contributions (what replay does, one deal at a time).
    /// </summary>
    Task Rebuild();

    /// <summary>Whether this deal's registration still holds its account: approved or pending review, not closed, not expired.</summary>
    [AlwaysInterleave]
    Task<bool> HoldsAccount();

    /// <summary>Expires the registration if its window has passed (called by the deal's own timer and reminder).</summary>
    Task ExpireIfDue();

    /// <summary>A connection of a node enters the room; returns who is present now.</summary>
    Task<IReadOnlyList<string>> Join(string nodeId, Push.RoomMember member);

    Task Leave(string connectionId);

    /// <summary>A node says which of its connections are still in the room; members a node stops mentioning drop out.</summary>
    Task Heartbeat(string nodeId, IReadOnlyList<Push.RoomMember> members);
}

[GenerateSerializer, Immutable, Alias("eco.DealView")]
public sealed record DealView
{
    [Id(0)] public required string DealId { get; init; }
    [Id(1)] public string? AccountId { get; init; }
    [Id(2)] public string? RegisteredBy { get; init; }
    /// <summary>The registration as decided, with its status as of now (an expired one reads "expired").</summary>
    [Id(3)] public Ecosystem.Domain.Deals.RegistrationDecision? Registration { get; init; }
    [Id(4)] public string Stage { get; init; } = "prospect";
    [Id(5)] public decimal? Amount { get; init; }
    [Id(6)] public string? Currency { get; init; }
    [Id(7)] public string? Outcome { get; init; }
    [Id(8)] public DateTimeOffset? ClosedAt { get; init; }
    [Id(9)] public IReadOnlyList<ParticipantView> Participants { get; init; } = [];
    /// <summary>
    /// Every accepted event of the deal, oldest first; in a <c>DealChanged</c> push only the latest
    /// <see cref="PushTimelineTail"/> (the rest is in <c>GET /api/deals/{dealId}</c> and in <c>JoinDeal</c>'s answer).
    /// </summary>
    [Id(10)] public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];
    /// <summary>How many events the whole timeline has (more than <see cref="Timeline"/> holds in a push of a long one).</summary>
    [Id(12)] public int TimelineCount { get; init; }
    /// <summary>Credits under the program's default model.</summary>
    [Id(11)] public DealAttributionView? Attribution { get; init; }
    /// <summary>Touches by partners that were not part of the deal, pending until a rep or the admin reviews them.</summary>
    [Id(13)] public IReadOnlyList<DealClaimView> Claims { get; init; } = [];

    /// <summary>
    /// A push carries the timeline's latest entries, not all of them: its cost stays flat however long the deal's
    /// history grows, and a client merges entries by <c>seq</c>.
    /// </summary>
    public const int PushTimelineTail = 50;
}

/// <summary><c>{dealId, model, amount, currency, credits}</c>: each credit with the touches that earned it.</summary>
[GenerateSerializer, Immutable, Alias("eco.DealAttributionView")]
public sealed record DealAttributionView(
    [property: Id(0)] string DealId,
    [property: Id(1)] string Model,
    [property: Id(2)] decimal Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] IReadOnlyList<Ecosystem.Domain.Attribution.PartnerCredit> Credits);

[GenerateSerializer, Immutable, Alias("eco.ParticipantView")]
public sealed record ParticipantView(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] IReadOnlyList<string> Roles);

/// <summary>One accepted event of a deal as its timeline shows it.</summary>
[GenerateSerializer, Immutable, Alias("eco.TimelineEntry")]
public sealed record TimelineEntry(
    [property: Id(0)] long Seq,
    [property: Id(1)] DateTimeOffset AcceptedAt,
    [property: Id(2)] Ecosystem.Domain.Events.ActivityEvent Event);

/// <summary>
/// <c>{claimId, partnerId, role, at, status: pending|approved|rejected, reviewedBy?, reason?}</c>: a partner's touch on a
/// deal it was not part of. It gives no credit and no access until approved; then it counts at its own <c>at</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.DealClaimView")]
public sealed record DealClaimView(
    [property: Id(0)] string ClaimId,
    [property: Id(1)] string PartnerId,
    [property: Id(2)] string Role,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Status,
    [property: Id(5)] string? ReviewedBy = null,
    [property: Id(6)] string? Reason = null,
    [property: Id(7), System.Text.Json.Serialization.JsonIgnore] long Seq = 0);

public static class ClaimStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}
