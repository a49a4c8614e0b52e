namespace Ecosystem.Grains.Push;

/// <summary>
/// Coalesces pushes from one grain: the first request goes out at once; requests within
/// <c>interval</c> of the last push go out together, once, when the interval ends. A room that gets
/// a hundred events a second sees ten pushes, each with the latest state.
/// </summary>
public sealed class PushThrottle(
    TimeSpan interval,
    Func<Task> push,
    Func<Func<CancellationToken, Task>, TimeSpan, IGrainTimer> startTimer)
{
    private long _lastPushAt = -(long)interval.TotalMilliseconds;
    private IGrainTimer? _pending;

    public async Task RequestAsync()
    {
        var sinceLast = TimeSpan.FromMilliseconds(Environment.TickCount64 - _lastPushAt);
        if (sinceLast >= interval)
        {
            await PushNowAsync();
        }
        else
        {
            _pending ??= startTimer(async _ =>
            {
                _pending?.Dispose();
                _pending = null;
                await PushNowAsync();
            }, interval - sinceLast);
        }
    }

    private Task PushNowAsync()
    {
        _lastPushAt = Environment.TickCount64;
        return push();
    }
}
