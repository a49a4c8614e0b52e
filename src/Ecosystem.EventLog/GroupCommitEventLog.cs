using System.Diagnostics;
using System.Threading.Channels;
using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Ecosystem.EventLog.Stores;
using Microsoft.Extensions.Logging;

namespace Ecosystem.EventLog;

/// <summary>
/// The log's one write path. Group commit: concurrent appends (many HTTP requests, each with a few events, and grains
/// appending the events they decided) are queued and written by one loop, as many as are waiting in one transaction.
/// Under load an event costs a share of one round trip instead of a round trip of its own; when idle, a lone request is
/// written at once. Ids repeated across the queued requests are settled here: the first wins, the rest are duplicates,
/// exactly as if they had arrived one after the other. After each commit the dispatcher hands its events to their grains.
/// </summary>
public sealed partial class GroupCommitEventLog : IEventLog, IAsyncDisposable
{
    private readonly IEventStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<GroupCommitEventLog> _logger;
    private readonly int _maxBatch;
    private readonly Channel<Work> _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly Task _loop;

    // Outage bookkeeping, touched only by the one commit loop.
    private static readonly TimeSpan StillFailingEvery = TimeSpan.FromSeconds(10);
    private int _failedInARow;
    private long _failingSince;
    private long _lastFailureWarning;

    private readonly IEventDispatcher? _dispatcher;

    /// <param name="dispatcher">Null only where nothing folds the log (a store's own tests).</param>
    public GroupCommitEventLog(IEventStore store, TimeProvider time, EventLogSettings settings, ILogger<GroupCommitEventLog> logger, IEventDispatcher? dispatcher = null)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _dispatcher = dispatcher;
        _maxBatch = settings.MaxAppendBatch;
        _loop = Task.Run(RunAsync);
    }

    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<PendingEvent> events, EventOrigin? origin = null, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var work = new Work(events, origin);
        await _queue.Writer.WriteAsync(work, cancellationToken);
        // Not cancellable once queued: the caller must learn whether its events became durable.
        return await work.Done.Task;
    }

    public Task<IReadOnlyList<LoggedEvent>> ReadStreamAsync(StreamKind kind, string key, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        _store.ReadStreamAsync(kind, key, afterSeq, limit, null, cancellationToken);

    public Task<IReadOnlyList<LoggedEvent>> ReadStreamAsync(StreamKind kind, string key, long afterSeq, int limit, IReadOnlyCollection<long>? except, CancellationToken cancellationToken = default) =>
        _store.ReadStreamAsync(kind, key, afterSeq, limit, except, cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => _store.PingAsync(cancellationToken);

    public Task<LogHead> HeadAsync(CancellationToken cancellationToken = default) => _store.HeadAsync(cancellationToken);

    public Task<IReadOnlyList<string>> PendingRegistrationCandidatesAsync(int limit, CancellationToken cancellationToken = default) =>
        _store.PendingRegistrationCandidatesAsync(Math.Clamp(limit, 1, 1000), cancellationToken);

    public Task<IReadOnlyList<LoggedEvent>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        _store.ReadAuditAsync(query, cancellationToken);

    public Task<IReadOnlyList<string>> StreamKeysAsync(StreamKind kind, string? afterKey, int limit, CancellationToken cancellationToken = default) =>
        _store.StreamKeysAsync(kind, afterKey, limit, cancellationToken);

    public Task<long> CountStreamsAsync(StreamKind kind, CancellationToken cancellationToken = default) =>
        _store.CountStreamsAsync(kind, cancellationToken);

    private async Task RunAsync()
    {
        var group = new List<Work>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            group.Clear();
            var total = 0;
            while (total < _maxBatch && reader.TryRead(out var work))
            {
                group.Add(work);
                total += work.Events.Count;
            }

            await CommitAsync(group, total);
        }
    }

    private async Task CommitAsync(List<Work> group, int total)
    {
        // Settle ids repeated across requests before the database sees them.
        var batch = new List<PendingEvent>(total);
        var slot = new Dictionary<string, int>(total, StringComparer.Ordinal);
        var positions = new List<int[]>(group.Count);
        foreach (var work in group)
        {
            var pos = new int[work.Events.Count];
            for (var i = 0; i < pos.Length; i++)
            {
                var e = work.Events[i];
                if (slot.TryGetValue(e.Event.Id, out _))
                {
                    pos[i] = -1;
                }
                else
                {
                    pos[i] = batch.Count;
                    slot[e.Event.Id] = batch.Count;
                    batch.Add(e);
                }
            }

            positions.Add(pos);
        }

        AppendOutcome[] outcomes;
        var started = Stopwatch.GetTimestamp();
        try
        {
            outcomes = await _store.AppendBatchAsync(batch, _time.GetUtcNow(), CancellationToken.None);
            EventLogMeter.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            EventLogMeter.AppendBatch.Record(batch.Count);
            if (_failedInARow > 0)
            {
                LogAppendRecovered(_failedInARow, Stopwatch.GetElapsedTime(_failingSince).TotalSeconds);
                _failedInARow = 0;
            }
        }
        catch (Exception ex)
        {
            // While the database is away every commit fails at once: the first failure is logged with its exception,
            // then a reminder every few seconds, rather than one stack trace per refused request.
            if (_failedInARow++ == 0)
            {
                _failingSince = _lastFailureWarning = Stopwatch.GetTimestamp();
                LogAppendFailed(ex, batch.Count);
            }
            else if (Stopwatch.GetElapsedTime(_lastFailureWarning) >= StillFailingEvery)
            {
                _lastFailureWarning = Stopwatch.GetTimestamp();
                LogAppendStillFailing(_failedInARow, Stopwatch.GetElapsedTime(_failingSince).TotalSeconds, ex.Message);
            }
            else
            {
                LogAppendFailedAgain(batch.Count, ex.Message);
            }

            foreach (var work in group)
            {
                work.Done.TrySetException(new EventLogUnavailableException("The event log could not be written.", ex));
            }

            return;
        }

        var results = new AppendOutcome[group.Count][];
        var committed = _dispatcher is null ? null : new List<CommittedEvent>(batch.Count);
        HashSet<EventOrigin>? origins = null;
        for (var w = 0; w < group.Count; w++)
        {
            var pos = positions[w];
            var work = group[w];
            var result = results[w] = new AppendOutcome[pos.Length];
            if (work.Origin is { } origin)
            {
                (origins ??= []).Add(origin);
            }

            for (var i = 0; i < pos.Length; i++)
            {
                result[i] = pos[i] < 0 ? AppendOutcome.DuplicateOf : outcomes[pos[i]];
                if (committed is not null && !result[i].Duplicate)
                {
                    committed.Add(new CommittedEvent(result[i].ToLogged(work.Events[i]), work.Origin));
                }
            }
        }

        if (committed is not { Count: > 0 })
        {
            for (var w = 0; w < group.Count; w++)
            {
                group[w].Done.TrySetResult(results[w]);
            }

            return;
        }

        // One delivery per commit, in the background: the next commit does not wait for this one's grains. A grain that
        // appended in this commit is mid-turn, waiting for its append; a call to it would queue behind that turn. So the
        // grains that are not appending hear first, and that is all a grain's append waits for; the appending grains
        // hear of the others' events in a second call that only the intake's requests wait for.
        var others = TimedAsync(_dispatcher!.DispatchAsync(committed, origins is null ? static _ => true : t => !origins.Contains(t)));
        var writers = origins is null ? Task.CompletedTask : _dispatcher.DispatchAsync(committed, origins.Contains);
        var everyone = origins is null ? others : Task.WhenAll(others, writers);
        for (var w = 0; w < group.Count; w++)
        {
            _ = CompleteAfterAsync(group[w].Origin is null ? everyone : others, group[w], results[w]);
        }
    }

    private static async Task TimedAsync(Task dispatch)
    {
        var started = Stopwatch.GetTimestamp();
        await dispatch;
        EventLogMeter.DispatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static async Task CompleteAfterAsync(Task dispatched, Work work, AppendOutcome[] result)
    {
        try
        {
            await dispatched;
        }
        catch (Exception)
        {
            // The dispatcher logs its own failures; the events are durable and the grains catch up from the log.
        }

        work.Done.TrySetResult(result);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _store.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Appending {Count} events to the log failed; requests are answered 503 until it works again")]
    private partial void LogAppendFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Appending {Count} events to the log failed again: {Reason}")]
    private partial void LogAppendFailedAgain(int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log has refused {Failures} appends in a row for {Seconds:0.0} s: {Reason}")]
    private partial void LogAppendStillFailing(int failures, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The log takes appends again after {Failures} failed appends over {Seconds:0.0} s")]
    private partial void LogAppendRecovered(int failures, double seconds);

    private sealed class Work(IReadOnlyList<PendingEvent> events, EventOrigin? origin)
    {
        public IReadOnlyList<PendingEvent> Events { get; } = events;
        public EventOrigin? Origin { get; } = origin;
        public TaskCompletionSource<IReadOnlyList<AppendOutcome>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
