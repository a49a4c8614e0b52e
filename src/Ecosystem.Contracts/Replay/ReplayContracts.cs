using Orleans.Concurrency;

namespace Ecosystem.Contracts.Replay;

/// <summary>
/// Recomputes every deal (attribution, and so every partner's KPIs) from the event log under the
/// current program, one deal at a time. Progress is saved as it goes and a durable reminder resumes
/// an interrupted run, so the system is never half-way in a way that double counts: each deal's part
/// in a partner's KPIs is replaced, never added.
/// </summary>
public interface IReplayGrain : IGrainWithStringKey
{
    public const string Key = "replay";

    /// <summary>Starts a run unless one is running; returns the current run either way.</summary>
    Task<ReplayStatus> Start();

    [AlwaysInterleave]
    Task<ReplayStatus> Status();
}

[GenerateSerializer, Immutable, Alias("eco.ReplayStatus")]
public sealed record ReplayStatus
{
    /// <summary>idle, running or completed.</summary>
    [Id(0)] public string Status { get; init; } = "idle";
    [Id(1)] public string? RunId { get; init; }
    [Id(2)] public long Total { get; init; }
    [Id(3)] public long Done { get; init; }
    [Id(4)] public DateTimeOffset? StartedAt { get; init; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(6)] public int Resumptions { get; init; }
}
