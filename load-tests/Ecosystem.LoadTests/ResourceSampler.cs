using System.Globalization;

namespace Ecosystem.LoadTests;

/// <summary>Samples the engine's resident set size from /proc every 250 ms and keeps the highest.</summary>
internal sealed class ResourceSampler : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task<long>? _loop;

    public static ResourceSampler Start(EngineProcess engine)
    {
        var sampler = new ResourceSampler();
        sampler._loop = Task.Run(() => sampler.LoopAsync(engine.Pid));
        return sampler;
    }

    /// <summary>Resident set size of a process in bytes, from /proc/PID/status (VmRSS).</summary>
    public static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private async Task<long> LoopAsync(int pid)
    {
        long peak = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss(pid));
                await Task.Delay(250, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // The process is gone: the peak so far stands.
        }

        return peak;
    }

    public async Task<long> StopAsync()
    {
        await _stop.CancelAsync();
        return await _loop!;
    }

    public void Dispose() => _stop.Dispose();
}
