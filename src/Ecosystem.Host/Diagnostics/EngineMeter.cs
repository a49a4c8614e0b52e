using System.Diagnostics.Metrics;

namespace Ecosystem.Host.Diagnostics;

/// <summary>
/// The engine's own instruments (meter <c>Ecosystem.Engine</c>), readable live with
/// <c>dotnet-counters monitor --counters Ecosystem.Engine -p PID</c>: where an event's time goes on the hot path.
/// The log's own instruments (append size and time, dispatch time) are in <c>Ecosystem.EventLog.EventLogMeter</c>, same meter name.
/// </summary>
public static class EngineMeter
{
    public const string Name = "Ecosystem.Engine";

    private static readonly Meter Meter = new(Name);

    /// <summary>Events answered, by status.</summary>
    public static readonly Counter<long> Events = Meter.CreateCounter<long>("ecosystem.intake.events", "{event}");
}
