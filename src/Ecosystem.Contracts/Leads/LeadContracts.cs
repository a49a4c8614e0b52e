using Orleans.Concurrency;
using Ecosystem.Contracts.Events;

namespace Ecosystem.Contracts.Leads;

public interface ILeadGrain : IEventStreamGrain
{
    [AlwaysInterleave]
    Task<LeadView?> GetView();
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
}

[GenerateSerializer, Immutable, Alias("eco.LeadHistoryEntry")]
public sealed record LeadHistoryEntry(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] string Outcome,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] decimal? Score,
    [property: Id(4)] IReadOnlyList<string> Reasons);
