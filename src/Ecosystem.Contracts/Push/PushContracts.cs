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

    [OneWay]
    Task MetricsChanged(DashboardMetrics metrics);

    [OneWay]
    Task IntegrationChanged(Integrations.IntegrationView integration);
}

/// <summary>
/// The channel team's live figures: what <c>GET /api/metrics</c> answers, <c>WatchDashboard</c> returns and
/// <c>MetricsChanged</c> pushes (one shape for all three). Definitions: the README's "Metrics" section.
/// </summary>
[GenerateSerializer, Immutable, Alias("eco.DashboardMetrics")]
public sealed record DashboardMetrics
{
    [Id(2)] public required DateTimeOffset UpdatedAt { get; init; }
    [Id(3)] public required Metrics.PartnerCounts Partners { get; init; }
    [Id(4)] public required Metrics.RevenueMetrics Revenue { get; init; }
    /// <summary>Activation velocity.</summary>
    [Id(5)] public required Metrics.ActivationMetrics Activation { get; init; }
    [Id(6)] public required Metrics.LeadMetrics Leads { get; init; }
    /// <summary>Integration adoption rate, NRR contribution and marketplace conversion, as the marketplace counts them.</summary>
    [Id(8)] public required Ecosystem.Domain.Integrations.AdoptionFigures Integrations { get; init; }
    /// <summary>Partner NPS.</summary>
    [Id(7)] public required Metrics.NpsMetrics Nps { get; init; }
    /// <summary>Partner ids at risk now, ordinal order.</summary>
    [Id(0)] public required IReadOnlyList<string> AtRiskPartners { get; init; }
    /// <summary>Leads nobody could take (the same as <c>leads.unroutable</c>).</summary>
    [Id(1)] public required int UnroutableLeads { get; init; }
}

/// <summary>Assembles <see cref="DashboardMetrics"/> and pushes it (coalesced) when a figure in it changes.</summary>
public interface IDashboardGrain : IGrainWithStringKey
{
    public const string Key = "dashboard";

    [AlwaysInterleave]
    Task<DashboardMetrics> Metrics();

    /// <summary>Something the dashboard shows changed; push the new figures soon.</summary>
    Task Changed();
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
