using Ecosystem.Domain.Events;
using Ecosystem.EventLog.Stores;
using Ecosystem.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ecosystem.EventLog.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>The event log on each database, as two nodes would use it at once.</summary>
public abstract class EventStoreTests
{
    protected abstract Task<EventLogSettings> DatabaseAsync();

    protected abstract IEventStore OpenStore(EventLogSettings db);

    protected static readonly EventActor Sender = new("key-1", "partner", "p1");

    private GroupCommitEventLog OpenLog(EventLogSettings db) =>
        new(OpenStore(db), TimeProvider.System, db, NullLogger<GroupCommitEventLog>.Instance);

    private static PendingEvent Touch(string id, string deal, string partner = "p1")
    {
        var e = new ActivityEvent { Id = id, Type = EventTypes.DealTouch, OccurredAt = DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), DealId = deal, PartnerId = partner, Role = "influenced" };
        return new PendingEvent(e, Sender);
    }

    private static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Applying_the_schema_twice_and_from_two_nodes_at_once_is_harmless()
    {
        var db = await DatabaseAsync();

        await Task.WhenAll(
            EventLogSchema.ApplyAsync(db, CancellationToken.None),
            EventLogSchema.ApplyAsync(db, CancellationToken.None));
        await EventLogSchema.ApplyAsync(db, CancellationToken.None);

        await using var log = OpenLog(db);
        Assert.True(await log.PingAsync());
    }

    [Fact]
    public async Task The_same_id_sent_through_two_nodes_at_once_is_accepted_exactly_once()
    {
        var db = await DatabaseAsync();
        await EventLogSchema.ApplyAsync(db, CancellationToken.None);
        await using var nodeA = OpenLog(db);
        await using var nodeB = OpenLog(db);
        var deal = Id("deal");
        var ids = Enumerable.Range(0, 200).Select(_ => Id("e")).ToArray();

        var a = ids.Select(id => nodeA.AppendAsync([Touch(id, deal)]));
        var b = ids.Select(id => nodeB.AppendAsync([Touch(id, deal)]));
        var outcomes = (await Task.WhenAll(a.Concat(b))).SelectMany(o => o).ToList();

        Assert.Equal(200, outcomes.Count(o => !o.Duplicate));
        Assert.Equal(200, outcomes.Count(o => o.Duplicate));
        var logged = await nodeA.ReadStreamAsync(StreamKind.Deal, deal, 0, 1000);
        Assert.Equal(ids.Order(StringComparer.Ordinal), logged.Select(e => e.Event.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_stream_reads_back_in_log_order_after_a_given_position()
    {
        var db = await DatabaseAsync();
        await EventLogSchema.ApplyAsync(db, CancellationToken.None);
        await using var log = OpenLog(db);
        var deal = Id("deal");
        var other = Id("deal");

        var first = await log.AppendAsync([Touch(Id("e"), deal), Touch(Id("e"), other), Touch(Id("e"), deal)]);
        var second = await log.AppendAsync([Touch(Id("e"), deal)]);

        var all = await log.ReadStreamAsync(StreamKind.Deal, deal, 0, 100);
        Assert.Equal(3, all.Count);
        Assert.True(all.Select(e => e.Seq).SequenceEqual(all.Select(e => e.Seq).Order()));
        Assert.True(second[0].Seq > first[2].Seq);
        var after = await log.ReadStreamAsync(StreamKind.Deal, deal, first[2].Seq, 100);
        Assert.Equal(second[0].Seq, Assert.Single(after).Seq);
        Assert.Equal(2, (await log.ReadStreamAsync(StreamKind.Deal, deal, 0, 2)).Count);
    }
}

public sealed class SqliteEventStoreTests : EventStoreTests, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eco-store-" + Guid.NewGuid().ToString("N")[..8]);

    protected override Task<EventLogSettings> DatabaseAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.FromResult(new EventLogSettings
        {
            Provider = EventLogSettings.Sqlite,
            ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_dir, "events.db"), Pooling = true, DefaultTimeout = 30 }.ToString(),
        });
    }

    protected override IEventStore OpenStore(EventLogSettings db) => new SqliteEventStore(db.ConnectionString);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEventStoreTests(PostgresServer postgres) : EventStoreTests
{
    private EventLogSettings? _db;

    protected override async Task<EventLogSettings> DatabaseAsync() =>
        _db ??= new EventLogSettings { Provider = EventLogSettings.Postgres, ConnectionString = await postgres.CreateDatabaseAsync("store") };

    protected override IEventStore OpenStore(EventLogSettings db) => new PostgresEventStore(EventLogServiceCollectionExtensions.PostgresDataSource(db));
}
