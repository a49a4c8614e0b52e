using Ecosystem.Contracts.Push;

namespace Ecosystem.Grains.Push;

/// <summary>
/// The nodes that can push to browsers. In memory only: every node re-registers every
/// <see cref="Pushes.RegisterEvery"/>, so a restarted registry refills itself, and a node that stops
/// re-registering (dead, partitioned) is forgotten after <see cref="ForgetAfter"/>.
/// </summary>
public sealed class PushRegistryGrain([Microsoft.Extensions.DependencyInjection.FromKeyedServices(EngineTime.Key)] TimeProvider time) : Grain, IPushRegistryGrain
{
    private static readonly TimeSpan ForgetAfter = Pushes.RegisterEvery * 3;
    private readonly Dictionary<string, (IPushObserver Observer, DateTimeOffset Seen)> _nodes = new(StringComparer.Ordinal);

    public Task Register(string nodeId, IPushObserver observer)
    {
        _nodes[nodeId] = (observer, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task Unregister(string nodeId)
    {
        _nodes.Remove(nodeId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IPushObserver>> Observers()
    {
        var cutoff = time.GetUtcNow() - ForgetAfter;
        foreach (var stale in _nodes.Where(n => n.Value.Seen < cutoff).Select(n => n.Key).ToList())
        {
            _nodes.Remove(stale);
        }

        return Task.FromResult<IReadOnlyList<IPushObserver>>([.. _nodes.Values.Select(n => n.Observer)]);
    }
}
