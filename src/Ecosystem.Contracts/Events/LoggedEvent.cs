using System.Text.Json.Serialization;
using Ecosystem.Domain.Events;

namespace Ecosystem.Contracts.Events;

/// <summary>An event as the log holds it: its position in the log and when it became durable.</summary>
[GenerateSerializer, Immutable, Alias("eco.LoggedEvent")]
public sealed record LoggedEvent(
    [property: Id(0)] long Seq,
    [property: Id(1)] DateTimeOffset AcceptedAt,
    [property: Id(2)] ActivityEvent Event,
    [property: Id(3), JsonIgnore] string RawJson);

/// <summary>A grain that folds the events of its stream into its state.</summary>
public interface IEventStreamGrain : IGrainWithStringKey
{
    /// <summary>Applies events already durable in the log, in log order. Events applied before are ignored.</summary>
    Task Apply(IReadOnlyList<LoggedEvent> events);
}
