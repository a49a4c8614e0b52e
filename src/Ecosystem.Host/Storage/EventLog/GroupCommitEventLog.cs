using System.Diagnostics;
using System.Threading.Channels;
using Ecosystem.Host.Diagnostics;
using Ecosystem.Contracts.Events;
using Ecosystem.Domain.Events;
using Ecosystem.Grains.EventLog;
using Ecosystem.Host.Hosting;
using Microsoft.Extensions.Options;

namespace Ecosystem.Host.Storage.EventLog;

/// <summary>
/// Group commit: concurrent appends (many HTTP requests, each with a few events) are queued and
/// written by one loop, as many as are waiting in one transaction. Under load an event costs a
/// share of one round trip instead of a round trip of its own; when idle, a lone request is written
/// at once. Ids repeated across the queued requests are settled here: the first wins, the rest are
/// duplicates, exactly as if they had arrived one after the other.
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

    public GroupCommitEventLog(IEventStore store, TimeProvider time, IOptions<EcosystemOptions> options, ILogger<GroupCommitEventLog> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _maxBatch = options.Value.Storage.MaxAppendBatch;
        _loop = Task.Run(RunAsync);
    }

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<PendingEvent> events, CancellationToken cancellationToken = default) =>
        AppendAsync(events, null, cancellationToken);

    /// <summary>
    /// Appends, then hands the new events to <paramref name="dispatcher"/> before answering. The events of every request
    /// in one commit that named the same dispatcher go to it in one call, so a grain that several concurrent requests
    /// concern is called once per commit rather than once per request.
    /// </summary>
    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(IReadOnlyList<PendingEvent> events, IEventDispatcher? dispatcher, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var work = new Work(events, dispatcher);
        await _queue.Writer.WriteAsync(work, cancellationToken);
        // Not cancellable once queued: the caller must learn whether its events became durable.
        return await work.Done.Task;
    }

    public Task<IReadOnlyList<LoggedEvent>> ReadStreamAsync(StreamKind kind, string key, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        _store.ReadStreamAsync(kind, key, afterSeq, limit, null, cancellationToken);

    public Task<IReadOnlyList<LoggedEvent>> ReadStreamAsync(StreamKind kind, string key, long afterSeq, int limit, IReadOnlyCollection<long>? except, CancellationToken cancellationToken = default) =>
        _store.ReadStreamAsync(kind, key, afterSeq, limit, except, cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => _store.PingAsync(cancellationToken);

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
            EngineMeter.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            EngineMeter.AppendBatch.Record(batch.Count);
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
        Dictionary<IEventDispatcher, List<LoggedEvent>>? toDispatch = null;
        for (var w = 0; w < group.Count; w++)
        {
            var pos = positions[w];
            var work = group[w];
            var result = results[w] = new AppendOutcome[pos.Length];
            for (var i = 0; i < pos.Length; i++)
            {
                result[i] = pos[i] < 0 ? AppendOutcome.DuplicateOf : outcomes[pos[i]];
                if (work.Dispatcher is { } dispatcher && !result[i].Duplicate)
                {
                    toDispatch ??= [];
                    if (!toDispatch.TryGetValue(dispatcher, out var list))
                    {
                        toDispatch[dispatcher] = list = new List<LoggedEvent>(total);
                    }

                    var e = work.Events[i];
                    list.Add(new LoggedEvent(result[i].Seq, result[i].AcceptedAt, e.Event, e.RawJson, e.Registration));
                }
            }
        }

        // The next commit does not wait for this one's grains: they fold in the background while requests wait for theirs.
        var dispatched = toDispatch?.ToDictionary(d => d.Key, d => d.Key.DispatchAsync(d.Value));
        for (var w = 0; w < group.Count; w++)
        {
            if (group[w].Dispatcher is { } dispatcher && dispatched is not null && dispatched.TryGetValue(dispatcher, out var task))
            {
                _ = CompleteAfterAsync(task, group[w], results[w]);
            }
            else
            {
                group[w].Done.TrySetResult(results[w]);
            }
        }
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

    private sealed class Work(IReadOnlyList<PendingEvent> events, IEventDispatcher? dispatcher)
    {
        public IReadOnlyList<PendingEvent> Events { get; } = events;
        public IEventDispatcher? Dispatcher { get; } = dispatcher;
        public TaskCompletionSource<IReadOnlyList<AppendOutcome>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Hands events the log has just made durable to the grains they concern.</summary>
public interface IEventDispatcher
{
    Task DispatchAsync(List<LoggedEvent> events);
}

/// <summary>The database did not take the append; nothing of it is durable and the client should retry.</summary>
public sealed class EventLogUnavailableException(string message, Exception inner) : Exception(message, inner);
