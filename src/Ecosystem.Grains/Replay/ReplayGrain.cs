using Ecosystem.Contracts.Deals;
using Ecosystem.Contracts.Replay;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Replay;

[GenerateSerializer, Alias("eco.ReplayState")]
public sealed class ReplayState
{
    [Id(0)] public ReplayStatus Status { get; set; } = new();
    /// <summary>The last deal rebuilt; the run resumes after it.</summary>
    [Id(1)] public string? LastDealId { get; set; }
}

/// <summary>
/// Drives a replay in small steps on a grain timer (so status reads stay answerable), saving its
/// position after every step; a reminder wakes it after a crash or restart to carry on.
/// </summary>
public sealed partial class ReplayGrain(
    [PersistentState("replay", StorageNames.Default)] IPersistentState<ReplayState> state,
    IEventLog log,
    [FromKeyedServices(EngineTime.Key)] TimeProvider time,
    ILogger<ReplayGrain> logger)
    : Grain, IReplayGrain, IRemindable
{
    private const string ResumeReminder = "replay-resume";
    private const int StepSize = 50;
    private IGrainTimer? _stepper;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Status.Status == "running")
        {
            state.State.Status = state.State.Status with { Resumptions = state.State.Status.Resumptions + 1 };
            await state.WriteStateAsync(cancellationToken);
            LogResumed(state.State.Status.RunId!, state.State.Status.Done);
            StartStepping();
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<ReplayStatus> Start()
    {
        if (state.State.Status.Status == "running")
        {
            return state.State.Status;
        }

        var total = await log.CountStreamsAsync(StreamKind.Deal);
        state.State = new ReplayState
        {
            Status = new ReplayStatus
            {
                Status = "running",
                RunId = Guid.NewGuid().ToString("N"),
                Total = total,
                StartedAt = time.GetUtcNow(),
            },
        };
        await state.WriteStateAsync();
        await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        LogStarted(state.State.Status.RunId!, total);
        StartStepping();
        return state.State.Status;
    }

    public Task<ReplayStatus> Status() => Task.FromResult(state.State.Status);

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask; // activation resumes the run

    private void StartStepping() =>
        _stepper ??= this.RegisterGrainTimer(StepAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMilliseconds(1)) { KeepAlive = true });

    private async Task StepAsync(CancellationToken cancellationToken)
    {
        var deals = await log.StreamKeysAsync(StreamKind.Deal, state.State.LastDealId, StepSize, cancellationToken);
        foreach (var dealId in deals)
        {
            await GrainFactory.GetGrain<IDealGrain>(dealId).Rebuild();
        }

        var s = state.State;
        if (deals.Count > 0)
        {
            s.LastDealId = deals[^1];
            s.Status = s.Status with { Done = s.Status.Done + deals.Count, Total = Math.Max(s.Status.Total, s.Status.Done + deals.Count) };
        }

        if (deals.Count < StepSize)
        {
            s.Status = s.Status with { Status = "completed", FinishedAt = time.GetUtcNow() };
            _stepper?.Dispose();
            _stepper = null;
            if (await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            LogCompleted(s.Status.RunId!, s.Status.Done);
        }

        await state.WriteStateAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay {RunId} started over {Total} deals")]
    private partial void LogStarted(string runId, long total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay {RunId} resumed after an interruption, {Done} deals done")]
    private partial void LogResumed(string runId, long done);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay {RunId} completed: {Done} deals recomputed")]
    private partial void LogCompleted(string runId, long done);
}
