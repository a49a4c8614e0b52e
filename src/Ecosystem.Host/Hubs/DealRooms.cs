using System.Collections.Concurrent;
using Ecosystem.Contracts.Push;

namespace Ecosystem.Host.Hubs;

/// <summary>This node's connections and the deal rooms they are in (the deal grains hold the cluster-wide picture).</summary>
public sealed class DealRooms
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, RoomMember>> _byDeal = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byConnection = new(StringComparer.Ordinal);

    /// <summary>Names this process among the nodes; new at every start, so a restarted node is a new node.</summary>
    public string NodeId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public void Add(string dealId, RoomMember member)
    {
        _byDeal.GetOrAdd(dealId, _ => new(StringComparer.Ordinal))[member.ConnectionId] = member;
        _byConnection.GetOrAdd(member.ConnectionId, _ => new(StringComparer.Ordinal))[dealId] = 0;
    }

    public bool Remove(string dealId, string connectionId)
    {
        if (_byConnection.TryGetValue(connectionId, out var deals))
        {
            deals.TryRemove(dealId, out _);
        }

        return _byDeal.TryGetValue(dealId, out var members) && members.TryRemove(connectionId, out _);
    }

    /// <summary>Forgets a closed connection; returns the deals it was in.</summary>
    public IReadOnlyList<string> RemoveConnection(string connectionId)
    {
        if (!_byConnection.TryRemove(connectionId, out var deals))
        {
            return [];
        }

        foreach (var dealId in deals.Keys)
        {
            if (_byDeal.TryGetValue(dealId, out var members))
            {
                members.TryRemove(connectionId, out _);
            }
        }

        return [.. deals.Keys];
    }

    /// <summary>Each room with members here, and who they are (for heartbeats). Empty rooms are dropped after their last heartbeat.</summary>
    public IReadOnlyList<(string DealId, IReadOnlyList<RoomMember> Members)> Snapshot()
    {
        var list = new List<(string, IReadOnlyList<RoomMember>)>();
        foreach (var (dealId, members) in _byDeal)
        {
            var now = members.Values.ToList();
            list.Add((dealId, now));
            if (now.Count == 0)
            {
                _byDeal.TryRemove(dealId, out _);
            }
        }

        return list;
    }
}
