using System.Diagnostics;
using Ecosystem.Host.Storage;
using Orleans;
using Orleans.Hosting;
using Orleans.TestingHost;


namespace Ecosystem.Host.Tests.Reminders;

/// <summary>
/// A reminder armed on one cluster, that cluster gone before it is due, and a new cluster of the same
/// service on the same database: the new one must deliver the tick, so the reminder lived in the database.
/// </summary>
public static class ReminderRestartScenario
{
    /// <summary>Long enough for cluster A to stop and cluster B to start before the reminder is due.</summary>
    private static readonly TimeSpan DueIn = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    public static async Task RunAsync(EcosystemDatabase database)
    {
        var serviceId = $"svc-{Guid.NewGuid():N}";
        var probeKey = $"probe-{Guid.NewGuid():N}";
        var firstTick = ReminderTicks.FirstTickOf(probeKey);

        var clock = Stopwatch.StartNew();
        var clusterA = await StartClusterAsync(database, serviceId);
        try
        {
            await clusterA.Client.GetGrain<IReminderProbeGrain>(probeKey).Arm(DueIn, Period);
            clock.Restart();
        }
        finally
        {
            await clusterA.StopAllSilosAsync();
            await clusterA.DisposeAsync();
        }

        var stoppedAfter = clock.Elapsed;
        Assert.False(firstTick.IsCompleted, $"cluster A delivered the tick before it was stopped ({stoppedAfter} after arming)");

        var clusterB = await StartClusterAsync(database, serviceId);
        try
        {
            var startedAfter = clock.Elapsed;
            Assert.True(startedAfter < DueIn, $"cluster B started {startedAfter} after arming, past the due time {DueIn}: the tick would be skipped");

            var tickedOn = await firstTick.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(clusterB.Silos[0].SiloAddress, tickedOn);
        }
        finally
        {
            await clusterB.StopAllSilosAsync();
            await clusterB.DisposeAsync();
        }
    }

    private static async Task<InProcessTestCluster> StartClusterAsync(EcosystemDatabase database, string serviceId)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = database.OrleansInvariant;
                o.ConnectionString = database.OrleansConnectionString;
            });
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
