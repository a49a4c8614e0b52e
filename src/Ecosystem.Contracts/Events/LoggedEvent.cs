using Ecosystem.Domain.Deals;
using Ecosystem.Domain.Events;

namespace Ecosystem.Contracts.Events;

/// <summary>
/// An event as the log holds it: its position in the log, when it became durable, who sent it, and the decision the
/// grain owning its state took when it arrived (a registration's status; a partner's touch that is a claim).
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.LoggedEvent")]
public sealed record LoggedEvent(
    [property: Id(0)] long Seq,
    [property: Id(1)] DateTimeOffset AcceptedAt,
    [property: Id(2)] ActivityEvent Event,
    [property: Id(5)] EventActor Actor,
    [property: Id(4)] RegistrationDecision? Registration = null,
    /// <summary>A partner's touch on a deal it was not part of: it counts only once a rep approves it (deal.claim_reviewed).</summary>
    [property: Id(6)] bool IsClaim = false);

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

/// <summary>What a grain made of a command event: logged (<see cref="Logged"/>), a duplicate of one logged before, or rejected.</summary>
[GenerateSerializer, Immutable, Alias("eco.CommandResult")]
public sealed record CommandResult(
    [property: Id(0)] LoggedEvent? Logged,
    [property: Id(1)] bool Duplicate,
    [property: Id(2)] string? Error)
{
    public static CommandResult Rejected(string error) => new(null, false, error);

    public static CommandResult From(LoggedEvent? logged) => new(logged, logged is null, null);
}
