using System.Text.Json.Serialization;
using Ecosystem.Contracts.Events;
using Orleans.Concurrency;

namespace Ecosystem.Contracts.Integrations;

/// <summary>
/// One integration of a technology partner: its definition (master data, from <c>PUT /api/integrations/{id}</c>) and
/// what its events say about it: certification from evidence, quality, installs and listing views. It settles its
/// certification after every change and when time alone changes the evidence (a timer on the engine clock, a daily
/// durable reminder as the backstop), pushes <c>IntegrationChanged</c> to its partner's watchers, and keeps its
/// marketplace listing current.
/// </summary>
public interface IIntegrationGrain : IEventStreamGrain
{
    /// <summary>
    /// Creates or replaces the definition. With <paramref name="ownerMayChange"/> false (a partner's own request), an
    /// integration that already belongs to another partner is left alone and the answer says so.
    /// </summary>
    Task<IntegrationPutResult> PutDefinition(IntegrationProfile profile, bool ownerMayChange);

    /// <summary>The integration view, or null when the integration has no definition.</summary>
    [AlwaysInterleave]
    Task<IntegrationView?> GetView();

    /// <summary>The owning partner, or null when the integration has no definition (for permission checks).</summary>
    [AlwaysInterleave]
    Task<string?> GetOwner();

    /// <summary>Settles certification and quality as of now (what time alone changes), and pushes any change.</summary>
    Task Evaluate();
}

/// <summary>What <see cref="IIntegrationGrain.PutDefinition"/> did: the view and whether it was created, or why it refused.</summary>
[GenerateSerializer, Immutable, Alias("eco.IntegrationPutResult")]
public sealed record IntegrationPutResult(
    [property: Id(0)] IntegrationView? View,
    [property: Id(1)] bool Created,
    [property: Id(2)] string? RefusedBecause);

/// <summary>An integration's definition: its owner (a technology partner) and how it is listed.</summary>
[GenerateSerializer, Immutable, Alias("eco.IntegrationProfile")]
public sealed record IntegrationProfile
{
    [Id(0)] public required string PartnerId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Category { get; init; }
    [Id(3)] public string Description { get; init; } = "";
}

[GenerateSerializer, Immutable, Alias("eco.IntegrationView")]
public sealed record IntegrationView
{
    [Id(0)] public required string IntegrationId { get; init; }
    [Id(1)] public required string PartnerId { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public required string Category { get; init; }
    [Id(4)] public string Description { get; init; } = "";
    [Id(5)] public required CertificationView Certification { get; init; }
    /// <summary>Every change of certification status, oldest first (the latest <c>IntegrationHistory.Kept</c>).</summary>
    [Id(6)] public IReadOnlyList<CertificationChangeView> History { get; init; } = [];
    [Id(7)] public required IntegrationQualityView Quality { get; init; }
    [Id(8)] public required InstallsView Installs { get; init; }
    /// <summary>Installs / listing views (a fraction; written as null, not left out, while there is no view).</summary>
    [Id(9), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public decimal? ConversionRate { get; init; }
    /// <summary>Listing views (<c>marketplace.viewed</c>).</summary>
    [Id(10)] public long Views { get; init; }
    [Id(11)] public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The status (draft, certified, suspended), the reasons for it, and since when it holds.</summary>
[GenerateSerializer, Immutable, Alias("eco.CertificationView")]
public sealed record CertificationView(
    [property: Id(0)] string Status,
    [property: Id(1)] IReadOnlyList<string> Reasons,
    [property: Id(2)] DateTimeOffset? Since);

/// <summary>One change of certification status, with the reasons for the new status.</summary>
[GenerateSerializer, Immutable, Alias("eco.CertificationChangeView")]
public sealed record CertificationChangeView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] IReadOnlyList<string> Reasons);

[GenerateSerializer, Immutable, Alias("eco.IntegrationQualityView")]
public sealed record IntegrationQualityView(
    [property: Id(0)] int Score,
    [property: Id(1)] IReadOnlyList<QualityComponentView> Components);

[GenerateSerializer, Immutable, Alias("eco.QualityComponentView")]
public sealed record QualityComponentView(
    [property: Id(0)] string Name,
    [property: Id(1)] decimal Score,
    [property: Id(2)] decimal Weight,
    [property: Id(3)] string Detail);

[GenerateSerializer, Immutable, Alias("eco.InstallsView")]
public sealed record InstallsView(
    [property: Id(0)] long Active,
    [property: Id(1)] long Total);

public static class IntegrationHistory
{
    /// <summary>How many status changes an integration keeps (an integration that flaps keeps its latest).</summary>
    public const int Kept = 100;
}
