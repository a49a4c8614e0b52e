using Ecosystem.Contracts.Deals;

namespace Ecosystem.Grains.Deals;

[GenerateSerializer, Alias("eco.DealState")]
public sealed class DealState
{
    [Id(0)] public string? AccountId { get; set; }
    [Id(1)] public string? RegisteredBy { get; set; }
    [Id(2)] public string? RegistrationStatus { get; set; }
    [Id(3)] public DateTimeOffset? RegisteredAt { get; set; }
    [Id(4)] public string Stage { get; set; } = "prospect";
    [Id(5)] public decimal? Amount { get; set; }
    [Id(6)] public string? Currency { get; set; }
    [Id(7)] public string? Outcome { get; set; }
    [Id(8)] public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>
    /// The partners of the deal and the roles each played, both in the order first seen. Not saved: folded from the log
    /// at every activation. A list of a few entries, not a dictionary of lists: a hundred thousand active deals made
    /// the difference worth a third of a kilobyte each. (Id 9 held it in older snapshots; it is skipped when read.)
    /// </summary>
    [field: NonSerialized]
    public List<DealPartner> Partners { get; set; } = [];
    /// <summary>Reps (user ids) who joined the deal room.</summary>
    [Id(10)] public List<string> Reps { get; set; } = [];
    /// <summary>Not saved: folded from the log at every activation (see <see cref="DealGrain"/>).</summary>
    [field: NonSerialized]
    public List<TimelineEntry> Timeline { get; set; } = [];
    [Id(12)] public string? ConflictsWith { get; set; }
    [Id(13)] public DateTimeOffset? ExpiresAt { get; set; }
    [Id(14)] public EventVersion? StageChangedAt { get; set; }
    [Id(15)] public EventVersion? AmountChangedAt { get; set; }
    /// <summary>The registration and every deal.touch, in attribution order. Not saved, like <see cref="Timeline"/>.</summary>
    [field: NonSerialized]
    public List<Ecosystem.Domain.Attribution.Touch> Touches { get; set; } = [];
    /// <summary>Partners this deal last told about its part in their KPIs.</summary>
    [Id(17)] public List<string> ContributedTo { get; set; } = [];
    [Id(18)] public bool ContributionsSent { get; set; }

    /// <summary>Partners' touches on the deal from before they were part of it, oldest first. Not saved: folded from the log.</summary>
    [field: NonSerialized]
    public List<DealClaimView>? Claims { get; set; }
}

/// <summary>Where an event stands in time: its occurredAt, then its place in the log.</summary>
[GenerateSerializer, Immutable, Alias("eco.EventVersion")]
public sealed record EventVersion([property: Id(0)] DateTimeOffset OccurredAt, [property: Id(1)] long Seq);

/// <summary>A partner of a deal and the roles it played there, in the order first seen.</summary>
public readonly record struct DealPartner(string PartnerId, string[] Roles);
