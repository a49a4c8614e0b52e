using Ecosystem.Grains.Projections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Ecosystem.Grains.Tests.Projections;

/// <summary>The node-wide scheduler that replaced one checkpoint timer per grain.</summary>
public sealed class CheckpointSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_ticket_calls_its_grain_once_when_due_and_not_before()
    {
        var time = new FakeTimeProvider(T0);
        using var scheduler = new CheckpointScheduler(Grains.Checkpoint, time, NullLogger<CheckpointScheduler>.Instance);
        var grain = new CountingGrain();

        scheduler.Schedule(grain.Id, TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, grain.Calls);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, grain.Calls);

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, grain.Calls);
        Assert.Equal(0, scheduler.Pending);
    }

    [Fact]
    public void A_cancelled_ticket_never_calls_its_grain()
    {
        var time = new FakeTimeProvider(T0);
        using var scheduler = new CheckpointScheduler(Grains.Checkpoint, time, NullLogger<CheckpointScheduler>.Instance);
        var cancelled = new CountingGrain();
        var kept = new CountingGrain();

        scheduler.Schedule(cancelled.Id, TimeSpan.FromSeconds(30)).Cancel();
        scheduler.Schedule(kept.Id, TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(0, cancelled.Calls);
        Assert.Equal(1, kept.Calls);
    }

    [Fact]
    public void A_ticket_due_sooner_than_those_waiting_is_called_first_and_on_time()
    {
        var time = new FakeTimeProvider(T0);
        using var scheduler = new CheckpointScheduler(Grains.Checkpoint, time, NullLogger<CheckpointScheduler>.Instance);
        var late = new CountingGrain();
        var soon = new CountingGrain();

        scheduler.Schedule(late.Id, TimeSpan.FromSeconds(45));
        scheduler.Schedule(soon.Id, TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal((1, 0), (soon.Calls, late.Calls));

        time.Advance(TimeSpan.FromSeconds(35));
        Assert.Equal((1, 1), (soon.Calls, late.Calls));
    }

    [Fact]
    public void A_grain_that_fails_its_checkpoint_does_not_stop_the_others()
    {
        var time = new FakeTimeProvider(T0);
        using var scheduler = new CheckpointScheduler(Grains.Checkpoint, time, NullLogger<CheckpointScheduler>.Instance);
        var failing = new CountingGrain { Fails = true };
        var healthy = new CountingGrain();

        scheduler.Schedule(failing.Id, TimeSpan.FromSeconds(5));
        scheduler.Schedule(healthy.Id, TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal((1, 1), (failing.Calls, healthy.Calls));
        // The scheduler still serves tickets after a failure.
        scheduler.Schedule(healthy.Id, TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, healthy.Calls);
    }

    private static readonly GrainDirectory Grains = new();

    /// <summary>Stands in for the cluster: routes a checkpoint call by grain id.</summary>
    private sealed class GrainDirectory
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<GrainId, CountingGrain> _grains = new();

        public void Add(CountingGrain grain) => _grains[grain.Id] = grain;

        public Task Checkpoint(GrainId id) => _grains[id].Checkpoint();
    }

    /// <summary>Stands in for a grain: counts the checkpoint calls it gets.</summary>
    private sealed class CountingGrain
    {
        private int _calls;

        public CountingGrain() => Grains.Add(this);

        public GrainId Id { get; } = GrainId.Create("test", Guid.NewGuid().ToString("N"));

        public bool Fails { get; init; }

        public int Calls => Volatile.Read(ref _calls);

        public Task Checkpoint()
        {
            Interlocked.Increment(ref _calls);
            return Fails ? Task.FromException(new InvalidOperationException("storage down")) : Task.CompletedTask;
        }
    }
}
