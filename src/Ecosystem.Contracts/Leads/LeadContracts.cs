using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Ecosystem.Domain.Leads;
using Orleans.Concurrency;

namespace Ecosystem.Contracts.Leads;

/// <summary>
/// One lead: offered to one eligible partner at a time, each offer scored and explained, moved on when
/// declined or when its timeout passes (a timer on the engine clock, a durable reminder as backstop).
/// </summary>
public interface ILeadGrain : IEventStreamGrain
{
    [AlwaysInterleave]
    Task<LeadView?> GetView();

    /// <summary>
    /// Decides, logs and folds an event only the lead can judge, one at a time: a <c>lead.accepted</c> or
    /// <c>lead.declined</c> (only the partner holding the current offer, or an admin on its behalf, may answer it) or a
    /// <c>lead.converted</c> (only an accepted lead converts, once; a partner converts only a lead it holds).
    /// </summary>
    Task<CommandResult> Decide(ActivityEvent e, EventActor actor);

    /// <summary>Expires the current offer if its time has passed and offers the lead to the next partner.</summary>
    Task ExpireOfferIfDue();
}

public static class LeadStatus
{
    public const string New = "new";
    public const string Offered = "offered";
    public const string Accepted = "accepted";
    public const string Unroutable = "unroutable";
    public const string Converted = "converted";
}

[GenerateSerializer, Immutable, Alias("eco.LeadView")]
public sealed record LeadView
{
    [Id(0)] public required string LeadId { get; init; }
    [Id(1)] public required string Status { get; init; }
    [Id(2)] public string? AccountId { get; init; }
    [Id(3)] public string? Region { get; init; }
    [Id(4)] public string? Industry { get; init; }
    [Id(5)] public string? Source { get; init; }
    [Id(6)] public string? SourcePartnerId { get; init; }
    [Id(7)] public string? OfferedTo { get; init; }
    [Id(8)] public DateTimeOffset? OfferExpiresAt { get; init; }
    [Id(9)] public string? DealId { get; init; }
    [Id(10)] public IReadOnlyList<LeadHistoryEntry> History { get; init; } = [];
    [Id(11)] public string? AcceptedBy { get; init; }
    [Id(12)] public DateTimeOffset? SubmittedAt { get; init; }
}

/// <summary>One step of a lead: an offer (with its score and reasons), an acceptance, a decline or an expiry.</summary>
[GenerateSerializer, Immutable, Alias("eco.LeadHistoryEntry")]
public sealed record LeadHistoryEntry(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] string Outcome,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] decimal? Score,
    [property: Id(4)] IReadOnlyList<string> Reasons);

/// <summary>
/// The partners of one region that routing may consider, with the live figures routing scores them
/// by. Partners keep their own entry current; routing never calls every partner for a lead.
/// </summary>
public interface IRoutingIndexGrain : IGrainWithStringKey
{
    /// <summary>
    /// The index of a region: regions compare case-insensitively. A blank region (allowed in events, never a
    /// grain key) has an index of its own.
    /// </summary>
    static string KeyFor(string? region) => string.IsNullOrWhiteSpace(region) ? "(blank region)" : region.ToLowerInvariant();

    Task Upsert(PartnerRoutingProfile profile);

    Task Remove(string partnerId);

    /// <summary>
    /// Picks the best eligible partner for a lead and books the offer against it (one more open lead,
    /// offered now), so concurrent leads see the load at once. Null: nobody is eligible.
    /// </summary>
    Task<RoutingChoice?> Route(string? industry, IReadOnlyList<string> alreadyOffered, DateTimeOffset now);

    /// <summary>Gives back a booked lead slot the partner will not take (declined, expired, converted).</summary>
    Task Release(string partnerId);
}

[GenerateSerializer, Immutable, Alias("eco.RoutingChoice")]
public sealed record RoutingChoice(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] decimal Score,
    [property: Id(2)] IReadOnlyList<string> Reasons,
    [property: Id(3)] int Considered);

/// <summary>Leads nobody could take, for the channel team (<c>GET /api/leads?status=unroutable</c>).</summary>
public interface IUnroutableLeadsGrain : IGrainWithStringKey
{
    public const string Key = "unroutable";

    Task Add(string leadId, DateTimeOffset at);

    Task Remove(string leadId);

    [AlwaysInterleave]
    Task<IReadOnlyList<string>> List(int limit);
}

[GenerateSerializer, Immutable, Alias("eco.LeadOfferedView")]
public sealed record LeadOfferedView(
    [property: Id(0)] string LeadId,
    [property: Id(1)] string PartnerId,
    [property: Id(2)] string? AccountId,
    [property: Id(3)] DateTimeOffset ExpiresAt);
