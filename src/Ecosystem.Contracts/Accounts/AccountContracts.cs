using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;

namespace Ecosystem.Contracts.Accounts;

/// <summary>
/// One customer account (keyed by its normalized domain). It serializes the registrations of the
/// account: each is decided, then appended to the log with its decision, one at a time, so that of
/// many partners registering at once exactly one wins, and a replay of the log decides the same.
/// </summary>
public interface IAccountGrain : IEventStreamGrain
{
    /// <summary>Decides and logs one <c>deal.registered</c> (a duplicate when an event with this id was logged before).</summary>
    Task<CommandResult> Register(ActivityEvent registration, EventActor actor);
}
