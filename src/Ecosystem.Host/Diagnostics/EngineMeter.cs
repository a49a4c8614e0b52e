using System.Diagnostics.Metrics;

namespace Ecosystem.Host.Diagnostics;

/// <summary>
/// The engine's own instruments (meter <c>Ecosystem.Engine</c>), readable live with
/// <c>dotnet-counters monitor --counters Ecosystem.Engine -p PID</c>: where an event's time goes on the hot path.
/// </summary>
public static class EngineMeter
{
    public const string Name = "Ecosystem.Engine";

    private static readonly Meter Meter = new(Name);

    /// <summary>Events per durable append (one group commit).</summary>
    public static readonly Histogram<int> AppendBatch = Meter.CreateHistogram<int>("ecosystem.log.append.events", "{event}");

    /// <summary>Time of one group commit, database round trip included.</summary>
    public static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>("ecosystem.log.append.duration", "ms");

    /// <summary>Time from the append's answer to every grain concerned having folded the request's events.</summary>
    public static readonly Histogram<double> DispatchDuration = Meter.CreateHistogram<double>("ecosystem.intake.dispatch.duration", "ms");

    /// <summary>Events answered, by status.</summary>
    public static readonly Counter<long> Events = Meter.CreateCounter<long>("ecosystem.intake.events", "{event}");
}
