using Ecosystem.Contracts.Integrations;
using Ecosystem.Domain.Integrations;

namespace Ecosystem.Grains.Integrations;

/// <summary>
/// An integration as its grain keeps it. <see cref="Evidence"/> and <see cref="Installs"/> are folds of its stream
/// in the log; the definition, the settled status and its history are decided outside the stream (the status by
/// evaluations at moments the log does not hold) and live in the snapshot.
/// </summary>
[GenerateSerializer, Alias("eco.IntegrationState")]
public sealed class IntegrationState
{
    [Id(0)] public IntegrationProfile? Profile { get; set; }
    [Id(1)] public IntegrationEvidence Evidence { get; set; } = IntegrationEvidence.Empty;
    [Id(2)] public InstallBase Installs { get; set; } = new();
    [Id(3)] public string Status { get; set; } = CertificationStatuses.Draft;
    /// <summary>When the status began (the definition's creation for a draft).</summary>
    [Id(4)] public DateTimeOffset? StatusSince { get; set; }
    /// <summary>The reasons for the status, as of the last evaluation.</summary>
    [Id(5)] public List<string> Reasons { get; set; } = [];
    [Id(6)] public List<CertificationChange> History { get; set; } = [];
    [Id(7)] public DateTimeOffset? UpdatedAt { get; set; }
}

/// <summary>One change of certification status, kept in the integration's history.</summary>
[GenerateSerializer, Immutable, Alias("eco.CertificationChange")]
public sealed record CertificationChange(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] IReadOnlyList<string> Reasons);
