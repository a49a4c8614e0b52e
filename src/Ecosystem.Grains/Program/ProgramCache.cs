using Ecosystem.Contracts.Program;
using Ecosystem.Domain.Program;

namespace Ecosystem.Grains.Program;

/// <summary>
/// The program as this silo last saw it, refreshed at most every <see cref="MaxAge"/>: grains read it on
/// every attribution without a grain call each time. A program change reaches every node within that.
/// </summary>
public sealed class ProgramCache(IGrainFactory grains)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private ProgramSettings? _program;
    private long _fetchedAt;

    public async ValueTask<ProgramSettings> GetAsync()
    {
        var now = Environment.TickCount64;
        if (_program is null)
        {
            _program = await grains.GetGrain<IProgramGrain>(IProgramGrain.Key).Get();
            Interlocked.Exchange(ref _fetchedAt, now);
        }
        else if (now - Interlocked.Read(ref _fetchedAt) > MaxAge.TotalMilliseconds)
        {
            try
            {
                // The program grain may sit on a node that just died: every deal view would wait for it until the
                // cluster notices. Past a short wait the last program seen serves, and the next read tries again.
                _program = await grains.GetGrain<IProgramGrain>(IProgramGrain.Key).Get().WaitAsync(RefreshWait);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // Keep serving the program this node last saw; the program changes rarely and a read retries after MaxAge.
            }

            Interlocked.Exchange(ref _fetchedAt, now);
        }

        return _program;
    }

    private static readonly TimeSpan RefreshWait = TimeSpan.FromSeconds(2);

    /// <summary>After a change made through this node, use it at once.</summary>
    public void Set(ProgramSettings program)
    {
        _program = program;
        Interlocked.Exchange(ref _fetchedAt, Environment.TickCount64);
    }
}
