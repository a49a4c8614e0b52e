using Ecosystem.EventLog;
using Ecosystem.EventLog.Stores;
using Ecosystem.Grains.Dispatch;
using Ecosystem.Grains.Push;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Ecosystem.Grains.Tests.Infrastructure;

/// <summary>
/// One in-process silo with the production grains, memory snapshots under the production storage name,
/// and the real event log (group commit over SQLite in a temporary directory) with the real dispatcher: what a grain
/// appends reaches the other grains it concerns, as in production.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "eco-grains-" + Guid.NewGuid().ToString("N")[..8]);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>
    /// The grains' clock: the engine clock (<see cref="EngineTime"/>) and the one Orleans drives grain timers by.
    /// Orleans' own background loops stay on real time. Nothing time-driven happens in a grain unless a test advances this.
    /// </summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    private IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    /// <summary>
    /// The same log the grains read, through a second writer that has no dispatcher: appending here and not calling
    /// Apply is "never delivered" (a node that died between the commit and the delivery).
    /// </summary>
    public IEventLog Log { get; private set; } = null!;

    private EventLogSettings _settings = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);
        _settings = new EventLogSettings
        {
            Provider = EventLogSettings.Sqlite,
            ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_dataDirectory, "events.db"), Pooling = true, DefaultTimeout = 30 }.ToString(),
        };
        await EventLogSchema.ApplyAsync(_settings, CancellationToken.None);
        Log = new GroupCommitEventLog(new SqliteEventStore(_settings.ConnectionString), TimeProvider.System, _settings, NullLogger<GroupCommitEventLog>.Instance);

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Default);
            // The production snapshot format (see EcosystemHostingExtensions), so a snapshot round trip here is the real one.
            silo.Services.AddOptions<MemoryGrainStorageOptions>(StorageNames.Default)
                .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
            // Production grains may arm reminders; durable reminders themselves are tested on the real databases (Reminders/).
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(10));
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.AddKeyedSingleton<TimeProvider>(EngineTime.Key, Time);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            // What the host registers for the grains beside the log (EcosystemHostingExtensions.AddEcosystem).
            silo.Services.AddSingleton<Pushes>();
            silo.Services.AddSingleton<Ecosystem.Grains.Program.ProgramCache>();
            silo.Services.AddSingleton<Ecosystem.Grains.Projections.CheckpointScheduler>();
            silo.Services.AddSingleton<GrainLookup>();
            silo.Services.AddEcosystemEventLog(_settings);
            silo.Services.AddSingleton<IEventDispatcher, EventDispatcher>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Reads a grain's persisted snapshot straight from storage, bypassing its activation.</summary>
    public async Task<T> ReadSnapshotAsync<T>(string stateName, IAddressable grain) where T : class
    {
        var state = await TryReadSnapshotAsync<T>(stateName, grain);
        Assert.True(state is not null, $"no {stateName} snapshot was saved for {grain.GetGrainId()}");
        return state;
    }

    /// <summary>The persisted snapshot, or null when none was saved yet.</summary>
    public async Task<T?> TryReadSnapshotAsync<T>(string stateName, IAddressable grain) where T : class
    {
        var storage = SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        var state = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
        return state.RecordExists ? state.State : null;
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            // Projection grains checkpoint on deactivation, and memory storage is itself made of grains: during
            // silo shutdown those writes can find the storage grains already gone and hang until the 30 s
            // shutdown timeout. Deactivating everything first, while storage still answers, avoids that.
            await Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }

        await ((GroupCommitEventLog)Log).DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "Grain cluster";
}
