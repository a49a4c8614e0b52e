using Ecosystem.Contracts.Events;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Projections;

/// <summary>
/// One timer per node for every projection grain's next checkpoint, instead of a grain timer in each grain. A grain
/// timer costs about 600 bytes (the timer, its queue entry, delegates, a cancellation source, the activation's timer
/// set); with a hundred thousand deals and their accounts activated, that was a tenth of the memory they took. Here a
/// pending checkpoint is one small ticket in a priority queue, and when it falls due the grain is sent
/// <see cref="ICheckpointingGrain.Checkpoint"/> like any other call, so it runs in the grain's turn.
/// </summary>
public sealed partial class CheckpointScheduler : IDisposable
{
    private readonly PriorityQueue<Ticket, long> _queue = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ILogger<CheckpointScheduler> _logger;
    private readonly ITimer _timer;
    private readonly Func<GrainId, Task> _checkpoint;
    private long _armedFor = long.MaxValue;

    public CheckpointScheduler(IGrainFactory grains, Orleans.Metadata.GrainInterfaceTypeResolver interfaces, TimeProvider time, ILogger<CheckpointScheduler> logger)
        : this(Call(grains, interfaces.GetGrainInterfaceType(typeof(ICheckpointingGrain))), time, logger)
    {
    }

    // The interface type is resolved once: GetGrain<T> would resolve it by reflection at every call.
    private static Func<GrainId, Task> Call(IGrainFactory grains, GrainInterfaceType checkpointing) =>
        id => ((ICheckpointingGrain)grains.GetGrain(id, checkpointing)).Checkpoint();

    /// <summary>With the call to make when a checkpoint falls due (tests).</summary>
    public CheckpointScheduler(Func<GrainId, Task> checkpoint, TimeProvider time, ILogger<CheckpointScheduler> logger)
    {
        _checkpoint = checkpoint;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A pending checkpoint; cancelling it (the grain checkpointed anyway, or is deactivating) stops the call.</summary>
    public sealed class Ticket(GrainId grain)
    {
        private volatile bool _cancelled;

        // The id, not a reference: a reference is two more objects per pending checkpoint.
        internal GrainId Grain { get; } = grain;

        internal bool Cancelled => _cancelled;

        public void Cancel() => _cancelled = true;
    }

    /// <summary>Calls the grain's <see cref="ICheckpointingGrain.Checkpoint"/> once, <paramref name="due"/> from now.</summary>
    public Ticket Schedule(GrainId grain, TimeSpan due)
    {
        var ticket = new Ticket(grain);
        var at = _time.GetUtcNow().UtcTicks + due.Ticks;
        lock (_gate)
        {
            _queue.Enqueue(ticket, at);
            ArmLocked();
        }

        return ticket;
    }

    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    private void Fire()
    {
        List<Ticket>? due = null;
        var now = _time.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            _armedFor = long.MaxValue;
            while (_queue.TryPeek(out var ticket, out var at) && at <= now)
            {
                _queue.Dequeue();
                if (!ticket.Cancelled)
                {
                    (due ??= []).Add(ticket);
                }
            }

            ArmLocked();
        }

        if (due is null)
        {
            return;
        }

        foreach (var ticket in due)
        {
            _ = CallAsync(ticket);
        }
    }

    private async Task CallAsync(Ticket ticket)
    {
        try
        {
            await _checkpoint(ticket.Grain);
        }
        catch (Exception ex)
        {
            // Nothing is lost: the log holds the events, and the grain checkpoints again after its next event, on
            // deactivation or at its next activation.
            LogCheckpointFailed(ex, ticket.Grain);
        }
    }

    /// <summary>Points the timer at the earliest ticket (cancelled ones included: they are dropped when reached).</summary>
    private void ArmLocked()
    {
        if (!_queue.TryPeek(out _, out var at) || at >= _armedFor)
        {
            return;
        }

        _armedFor = at;
        var wait = TimeSpan.FromTicks(Math.Max(0, at - _time.GetUtcNow().UtcTicks));
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled checkpoint of {GrainId} failed")]
    private partial void LogCheckpointFailed(Exception exception, GrainId grainId);
}
