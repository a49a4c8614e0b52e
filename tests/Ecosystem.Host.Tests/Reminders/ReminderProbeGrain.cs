using System.Collections.Concurrent;
using Orleans;
using Orleans.Runtime;

namespace Ecosystem.Host.Tests.Reminders;

/// <summary>A test-only grain that arms a durable reminder and reports its first tick.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task Arm(TimeSpan dueIn, TimeSpan period);
}

public sealed class ReminderProbeGrain(ILocalSiloDetails silo) : Grain, IReminderProbeGrain, IRemindable
{
    public const string ReminderName = "probe";

    public Task Arm(TimeSpan dueIn, TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, dueIn, period);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderTicks.Record(this.GetPrimaryKeyString(), silo.SiloAddress);
        return Task.CompletedTask;
    }
}

/// <summary>Ticks of <see cref="ReminderProbeGrain"/>, by grain key: silos run in the test process, so a static is shared.</summary>
public static class ReminderTicks
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<SiloAddress>> FirstTick = new(StringComparer.Ordinal);

    /// <summary>Completes with the address of the silo that delivered the first tick to the grain with this key.</summary>
    public static Task<SiloAddress> FirstTickOf(string key) => Signal(key).Task;

    public static void Record(string key, SiloAddress silo) => Signal(key).TrySetResult(silo);

    private static TaskCompletionSource<SiloAddress> Signal(string key) =>
        FirstTick.GetOrAdd(key, _ => new TaskCompletionSource<SiloAddress>(TaskCreationOptions.RunContinuationsAsynchronously));
}
