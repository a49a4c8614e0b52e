using System.Diagnostics.Metrics;

namespace Ecosystem.EventLog;

/// <summary>
/// The log's instruments, in the engine's meter (<c>Ecosystem.Engine</c>, the name the host's instruments share):
/// <c>dotnet-counters monitor --counters Ecosystem.Engine -p PID</c>.
/// </summary>
public static class EventLogMeter
{
    public const string Name = "Ecosystem.Engine";

    private static readonly Meter Meter = new(Name);

    /// <summary>Events per durable append (one group commit).</summary>
    public static readonly Histogram<int> AppendBatch = Meter.CreateHistogram<int>("ecosystem.log.append.events", "{event}");

    /// <summary>Time of one group commit, database round trip included.</summary>
    public static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>("ecosystem.log.append.duration", "ms");

    /// <summary>Time from a commit to every grain concerned having folded its events.</summary>
    public static readonly Histogram<double> DispatchDuration = Meter.CreateHistogram<double>("ecosystem.log.dispatch.duration", "ms");
}
