using Ecosystem.Contracts.Deals;
using Orleans.Concurrency;

namespace Ecosystem.Contracts.Push;

/// <summary>
/// One per engine node: wraps that node's SignalR hub context, so a grain on any node can push to
/// the clients connected to every node. One-way: a push never waits for browsers.
/// </summary>
public interface IPushObserver : IGrainObserver
{
    [OneWay]
    Task DealChanged(DealView deal);

    [OneWay]
    Task DealMessage(DealMessageView message);

    [OneWay]
    Task PresenceChanged(PresenceView presence);

    [OneWay]
    Task AttributionChanged(DealAttributionView attribution);

    [OneWay]
    Task PartnerChanged(Partners.PartnerView partner);

    [OneWay]
    Task LeadOffered(Leads.LeadOfferedView offer);
}

/// <summary>Where nodes register their <see cref="IPushObserver"/>. Nodes re-register periodically; silent ones are forgotten.</summary>
public interface IPushRegistryGrain : IGrainWithStringKey
{
    public const string Key = "push";

    Task Register(string nodeId, IPushObserver observer);

    Task Unregister(string nodeId);

    [AlwaysInterleave]
    Task<IReadOnlyList<IPushObserver>> Observers();
}

[GenerateSerializer, Immutable, Alias("eco.DealMessageView")]
public sealed record DealMessageView(
    [property: Id(0)] string DealId,
    [property: Id(1)] string Author,
    [property: Id(2)] string Text,
    [property: Id(3)] DateTimeOffset At);

[GenerateSerializer, Immutable, Alias("eco.PresenceView")]
public sealed record PresenceView(
    [property: Id(0)] string DealId,
    [property: Id(1)] IReadOnlyList<string> Present);

/// <summary>Who a connection in a deal room is.</summary>
[GenerateSerializer, Immutable, Alias("eco.RoomMember")]
public sealed record RoomMember(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Role);
