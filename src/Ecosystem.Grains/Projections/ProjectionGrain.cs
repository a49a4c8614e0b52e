using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ecosystem.Grains.Projections;

/// <summary>
/// A grain whose state is a fold over its stream of the event log. State lives in memory; it is
/// snapshotted now and then (every <see cref="CheckpointEvery"/> events, <see cref="CheckpointDelay"/>
/// after the first unsaved one, and on deactivation), and on activation the grain catches up from the
/// log past its snapshot. So the hot path costs no storage write, and a crash loses nothing that the
/// log holds.
/// </summary>
public abstract class ProjectionGrain<TState> : Grain, IEventStreamGrain, ICheckpointingGrain where TState : class, new()
{
    private const int CheckpointEvery = 500;
    private const int ReadPageSize = 1_000;
    private static readonly TimeSpan CheckpointDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// 30 to 45 s, spread by grain: thousands of grains that got their first event in the same second would otherwise
    /// all read the log (and write their snapshots) in the same second 30 s later, a stall every busy room would feel.
    /// </summary>
    private TimeSpan CheckpointDue => CheckpointDelay + TimeSpan.FromMilliseconds((uint)StringComparer.Ordinal.GetHashCode(Key) % 15_000);

    private readonly IPersistentState<ProjectionSnapshot<TState>> _snapshot;
    private readonly IEventLog _log;
    private readonly ILogger _logger;
    private int _unsaved;
    private CheckpointScheduler.Ticket? _checkpointTicket;

    protected ProjectionGrain(IPersistentState<ProjectionSnapshot<TState>> snapshot, IEventLog log, ILogger logger)
    {
        _snapshot = snapshot;
        _log = log;
        _logger = logger;
    }

    protected abstract StreamKind Kind { get; }

    protected TState State => _snapshot.State.State;

    protected string Key => this.GetPrimaryKeyString();

    /// <summary>Folds one event into <see cref="State"/>. Must be deterministic: it runs again on replay.</summary>
    protected abstract void When(LoggedEvent logged);

    /// <summary>Runs once after a batch of new events was folded in (publishing, notifications).</summary>
    protected virtual Task AfterAppliedAsync(IReadOnlyList<LoggedEvent> applied) => Task.CompletedTask;

    /// <summary>
    /// For a grain whose stream is short enough to fold in full at every activation: returns a fresh state that
    /// carries over from the saved one only what the log cannot give back (bookkeeping set outside the stream).
    /// Such a grain's snapshot holds just that and is written only when that changes: its checkpoints read the log
    /// (healing a delivery that never arrived) but write nothing. Null (the default) keeps the snapshot-plus-catch-up way.
    /// </summary>
    protected virtual TState? CarryOver(TState saved) => null;

    private bool _refolds;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (CarryOver(_snapshot.State.State) is { } fresh)
        {
            _refolds = true;
            _snapshot.State = new ProjectionSnapshot<TState> { State = fresh };
            await CatchUpAsync(cancellationToken);
            await base.OnActivateAsync(cancellationToken);
            return;
        }

        var recovered = await CatchUpAsync(cancellationToken);
        if (recovered.Count > 0)
        {
            // What the log had beyond the snapshot is saved soon, so the next activation reads less.
            _unsaved += recovered.Count;
            ScheduleCheckpoint();
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A checkpoint call arriving after this would only activate the grain again.
        _checkpointTicket?.Cancel();
        _checkpointTicket = null;
        if (_unsaved > 0 && !_refolds)
        {
            try
            {
                await CheckpointAsync(cancellationToken);
            }
            catch (Exception ex)
            {
                // Nothing is lost: the log has the events and the next activation catches up from it.
                _logger.LogWarning(ex, "Checkpoint of {GrainType} {Key} on deactivation failed", GetType().Name, Key);
            }
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task Apply(IReadOnlyList<LoggedEvent> events)
    {
        List<LoggedEvent>? applied = null;
        var ordered = InLogOrder(events);
        for (var i = 0; i < ordered.Count; i++)
        {
            var e = ordered[i];
            if (_snapshot.State.Cursor.TryMark(e.Seq))
            {
                When(e);
                (applied ??= []).Add(e);
            }
        }

        if (applied is null)
        {
            return;
        }

        await AfterAppliedAsync(applied);
        _unsaved += applied.Count;
        if (_unsaved >= CheckpointEvery)
        {
            await CheckpointAsync(CancellationToken.None);
        }
        else
        {
            ScheduleCheckpoint();
        }
    }

    /// <summary>The events by sequence number; a dispatch hands them over in that order already, so usually as they are.</summary>
    private static IReadOnlyList<LoggedEvent> InLogOrder(IReadOnlyList<LoggedEvent> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].Seq < events[i - 1].Seq)
            {
                return [.. events.OrderBy(e => e.Seq)];
            }
        }

        return events;
    }

    /// <summary>
    /// Appends an event this grain decided, from its own turn, and folds it at once: the grain is the only writer of
    /// the decisions on its state, so no other decision can come between the check and the append. The log delivers it
    /// to every other grain it concerns. Null when an event with this id was logged before.
    /// </summary>
    protected async Task<LoggedEvent?> AppendOwnAsync(PendingEvent e)
    {
        var outcome = (await _log.AppendAsync([e], Origin))[0];
        if (outcome.Duplicate)
        {
            return null;
        }

        var logged = outcome.ToLogged(e);
        await Apply([logged]);
        return logged;
    }

    /// <summary>This grain as the writer of events it appends (left out of their delivery, since it folds them itself).</summary>
    protected EventOrigin Origin => new(Kind, Key);

    /// <summary>
    /// Before a decision: folds what the log holds for this stream that has not reached the grain yet (a delivery still
    /// on its way, e.g. the registration logged by the account a moment ago), so the decision sees every committed event.
    /// </summary>
    protected async Task CatchUpBeforeDecidingAsync()
    {
        var recovered = await CatchUpAsync(CancellationToken.None);
        if (recovered.Count > 0)
        {
            await AfterAppliedAsync(recovered);
            _unsaved += recovered.Count;
            ScheduleCheckpoint();
        }
    }

    /// <summary>The scheduled checkpoint (<see cref="CheckpointScheduler"/>) fell due.</summary>
    public async Task Checkpoint()
    {
        if (_checkpointTicket is null)
        {
            // Already done (500 events, or a save) since it was scheduled.
            return;
        }

        _checkpointTicket = null;
        await CheckpointAsync(CancellationToken.None);
    }

    /// <summary>Arms the one checkpoint this grain has pending, <see cref="CheckpointDue"/> from now, unless one is.</summary>
    private void ScheduleCheckpoint() =>
        _checkpointTicket ??= ServiceProvider.GetRequiredService<CheckpointScheduler>().Schedule(this.GetGrainId(), CheckpointDue);

    /// <summary>Reads the log past the watermark (healing any delivery that never arrived), then saves the snapshot.</summary>
    protected async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        var caughtUp = await CatchUpAsync(cancellationToken);
        if (caughtUp.Count > 0)
        {
            _logger.LogInformation("{GrainType} {Key} recovered {Count} events from the log at checkpoint", GetType().Name, Key, caughtUp.Count);
            await AfterAppliedAsync(caughtUp);
        }

        if (!_refolds)
        {
            await _snapshot.WriteStateAsync(cancellationToken);
        }

        _unsaved = 0;
        _checkpointTicket?.Cancel();
        _checkpointTicket = null;
    }

    /// <summary>
    /// Forgets the folded state and folds the whole stream again from the log (replay). <paramref name="carry"/>
    /// keeps what the log does not hold (master data, bookkeeping) from the old state.
    /// </summary>
    protected async Task RefoldAsync(Func<TState, TState> carry)
    {
        var old = _snapshot.State.State;
        _snapshot.State = new ProjectionSnapshot<TState> { State = carry(old) };
        await CatchUpAsync(CancellationToken.None);
        await _snapshot.WriteStateAsync();
        _unsaved = 0;
    }

    /// <summary>
    /// Notes a change outside the event stream that can wait for the next checkpoint (derived bookkeeping that a
    /// crash may lose without harm): no write now, one at the next checkpoint or deactivation.
    /// </summary>
    protected void MarkUnsaved()
    {
        _unsaved++;
        ScheduleCheckpoint();
    }

    /// <summary>
    /// Saves state that changed outside the event stream (master data, contributions from other grains), together
    /// with the cursor. One write; healing from the log is left to the checkpoints.
    /// </summary>
    protected async Task SaveAsync()
    {
        await _snapshot.WriteStateAsync();
        _unsaved = 0;
    }

    private async Task<List<LoggedEvent>> CatchUpAsync(CancellationToken cancellationToken)
    {
        var cursor = _snapshot.State.Cursor;
        var recovered = new List<LoggedEvent>();
        var after = cursor.Watermark;
        // What is already applied above the watermark is not read again: only what this grain lacks comes back.
        long[]? held = cursor.AppliedAbove is { Count: > 0 } above ? [.. above] : null;
        while (true)
        {
            var page = await _log.ReadStreamAsync(Kind, Key, after, ReadPageSize, held, cancellationToken);
            foreach (var e in page)
            {
                if (cursor.TryMark(e.Seq))
                {
                    When(e);
                    recovered.Add(e);
                }

                after = e.Seq;
            }

            if (page.Count < ReadPageSize)
            {
                break;
            }
        }

        // The log commits in sequence order, so once the stream is read to its end, nothing this stream will ever hold
        // lies below the highest event held or read: the watermark moves past both.
        cursor.Advance(held is null ? after : Math.Max(after, held.Max()));
        return recovered;
    }
}
