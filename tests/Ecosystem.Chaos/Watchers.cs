using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ecosystem.Chaos;

/// <summary>
/// Reconnects to the same node a few times, quickly, then gives up so that the watcher can move to another node: a
/// node that was killed is not coming back within seconds, and the official client cannot change its URL.
/// </summary>
internal sealed class SameNodeRetryPolicy : IRetryPolicy
{
    private static readonly TimeSpan[] Delays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
        retryContext.PreviousRetryCount < Delays.Length ? Delays[retryContext.PreviousRetryCount] : null;
}

/// <summary>
/// A person in one deal room, connected to one node with the official SignalR client (automatic reconnect). On
/// <c>Reconnected</c> it joins its room again and takes the fresh snapshot; when its node stays away, it connects to
/// the next node of its list, joins there and takes the snapshot there.
/// </summary>
internal sealed class Watcher : IAsyncDisposable
{
    private readonly IReadOnlyList<EngineNode> _nodes;
    private readonly string _key;
    private readonly Stopwatch _clock;
    private readonly Lock _gate = new();
    private readonly List<string> _messages = [];
    private HubConnection? _connection;
    private bool _disposed;

    public Watcher(int number, string dealId, int homeNode, IReadOnlyList<EngineNode> nodes, string key, Stopwatch clock)
    {
        Number = number;
        DealId = dealId;
        HomeNode = homeNode;
        CurrentNode = homeNode;
        _nodes = nodes;
        _key = key;
        _clock = clock;
    }

    public int Number { get; }
    public string DealId { get; }
    public int HomeNode { get; }
    public int CurrentNode { get; private set; }
    public int Pushes { get; private set; }
    public int Reconnecting { get; private set; }
    public int Reconnected { get; private set; }
    public int MovedNode { get; private set; }
    public int Snapshots { get; private set; }
    public int JoinRetries { get; private set; }
    public double? LostAt { get; private set; }
    public double? RejoinedAt { get; private set; }
    public long LastTimelineCount { get; private set; }

    public async Task StartAsync()
    {
        _connection = Build(CurrentNode);
        await _connection.StartAsync();
        await JoinAsync(_connection);
    }

    private HubConnection Build(int node)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_nodes[node].Url, "/hubs/ecosystem"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(_key))
            .WithAutomaticReconnect(new SameNodeRetryPolicy())
            .Build();
        connection.On<JsonElement>("DealChanged", view =>
        {
            lock (_gate)
            {
                Pushes++;
                LastTimelineCount = TimelineCount(view);
            }
        });
        connection.On<JsonElement>("DealMessage", message =>
        {
            lock (_gate)
            {
                _messages.Add(message.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "");
            }
        });
        connection.Reconnecting += _ =>
        {
            lock (_gate)
            {
                Reconnecting++;
                LostAt ??= _clock.Elapsed.TotalSeconds;
            }

            return Task.CompletedTask;
        };
        connection.Reconnected += async _ =>
        {
            lock (_gate)
            {
                Reconnected++;
            }

            // A new connection is in no group: join the room again and take the snapshot.
            await JoinAsync(connection);
        };
        connection.Closed += error =>
        {
            if (!_disposed && ReferenceEquals(connection, _connection))
            {
                lock (_gate)
                {
                    LostAt ??= _clock.Elapsed.TotalSeconds;
                }

                _ = Task.Run(MoveAsync);
            }

            return Task.CompletedTask;
        };
        return connection;
    }

    /// <summary>The node is gone for good, as far as this client can tell: connect to the next one and join there.</summary>
    private async Task MoveAsync()
    {
        var node = CurrentNode;
        while (!_disposed)
        {
            node = (node + 1) % _nodes.Count;
            var connection = Build(node);
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await connection.StartAsync(cts.Token);
                _connection = connection;
                CurrentNode = node;
                lock (_gate)
                {
                    MovedNode++;
                }

                await JoinAsync(connection);
                return;
            }
            catch (Exception) when (!_disposed)
            {
                await connection.DisposeAsync();
                await Task.Delay(500);
            }
        }
    }

    /// <summary>Joins the room; while the deal's grain is on a node the cluster has not yet declared dead, that fails, so retry.</summary>
    private async Task JoinAsync(HubConnection connection)
    {
        var deadline = _clock.Elapsed + TimeSpan.FromMinutes(2);
        while (!_disposed && connection.State == HubConnectionState.Connected)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var view = await connection.InvokeAsync<JsonElement>("JoinDeal", DealId, cts.Token);
                lock (_gate)
                {
                    Snapshots++;
                    LastTimelineCount = TimelineCount(view);
                    if (LostAt is not null)
                    {
                        RejoinedAt = _clock.Elapsed.TotalSeconds;
                    }
                }

                return;
            }
            catch (Exception) when (!_disposed && _clock.Elapsed < deadline)
            {
                lock (_gate)
                {
                    JoinRetries++;
                }

                await Task.Delay(500);
            }
        }
    }

    public bool HasMessage(string text)
    {
        lock (_gate)
        {
            return _messages.Contains(text);
        }
    }

    private static long TimelineCount(JsonElement view) =>
        view.TryGetProperty("timelineCount", out var c) && c.ValueKind == JsonValueKind.Number
            ? c.GetInt64()
            : view.GetProperty("timeline").GetArrayLength();

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
