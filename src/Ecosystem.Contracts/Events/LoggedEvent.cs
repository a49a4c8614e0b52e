using System.Text.Json.Serialization;
using Ecosystem.Domain.Deals;
using Ecosystem.Domain.Events;

namespace Ecosystem.Contracts.Events;

/// <summary>
/// An event as the log holds it: its position in the log, when it became durable, and for a
/// <c>deal.registered</c> the decision the account made when it arrived.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.LoggedEvent")]
public sealed record LoggedEvent(
    [property: Id(0)] long Seq,
    [property: Id(1)] DateTimeOffset AcceptedAt,
    [property: Id(2)] ActivityEvent Event,
    [property: Id(3), JsonIgnore] string RawJson,
    [property: Id(4)] RegistrationDecision? Registration = null);

/// <summary>A grain that folds the events of its stream into its state.</summary>
public interface IEventStreamGrain : IGrainWithStringKey
{
    /// <summary>Applies events already durable in the log, in log order. Events applied before are ignored.</summary>
    Task Apply(IReadOnlyList<LoggedEvent> events);
}

/// <summary>A grain that snapshots its fold now and then; a node-wide scheduler tells it when (see CheckpointScheduler).</summary>
public interface ICheckpointingGrain : IGrainWithStringKey
{
    /// <summary>Reads the log past the grain's watermark (healing a delivery that never arrived) and saves its snapshot.</summary>
    Task Checkpoint();
}
