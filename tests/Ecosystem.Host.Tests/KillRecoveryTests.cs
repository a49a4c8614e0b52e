using Ecosystem.Host.Tests.Infrastructure;
using Ecosystem.Testing;

namespace Ecosystem.Host.Tests;

/// <summary>
/// "accepted" means durable: SIGKILL the host right after 400 accepted events, start it again on the
/// same data, and every event is in the log, every deal's grain has it, and re-sending is a duplicate.
/// </summary>
public abstract class KillRecoveryTests
{
    protected abstract Task<HostStorage> StorageAsync();

    [Fact]
    public async Task Four_hundred_accepted_events_survive_a_kill_9_and_resending_them_is_a_duplicate()
    {
        var storage = await StorageAsync();
        var deals = Enumerable.Range(0, 8).Select(_ => Events.Id("deal")).ToArray();
        var events = Enumerable.Range(0, 400)
            .Select(i => i < deals.Length
                ? Events.Registered(Events.Id("e"), deals[i], $"p{i}", $"acct{i}.example")
                : Events.Touch(Events.Id("e"), deals[i % deals.Length], $"p{i % 13}"))
            .ToArray();

        var first = await HostProcess.StartAsync(storage);
        try
        {
            using var http = first.Client();
            // Twenty concurrent requests of twenty events, as partner systems would send them.
            var answers = await Task.WhenAll(events.Chunk(20).Select(async chunk => await (await http.PostEventsAsync(chunk)).StatusesAsync()));
            Assert.All(answers.SelectMany(a => a), s => Assert.Equal("accepted", s));
        }
        finally
        {
            await first.KillAsync();
        }

        await using var second = await HostProcess.StartAsync(storage);
        using var again = second.Client();
        var total = 0;
        foreach (var deal in deals)
        {
            var log = await (await again.GetAsync(new Uri($"/api/deals/{deal}/events", UriKind.Relative))).ReadAsync();
            var logged = log.GetProperty("events").GetArrayLength();
            var view = await (await again.GetAsync(new Uri($"/api/deals/{deal}", UriKind.Relative))).ReadAsync();
            Assert.Equal(logged, view.GetProperty("timeline").GetArrayLength());
            total += logged;
        }

        Assert.Equal(400, total);
        var resent = await Task.WhenAll(events.Chunk(100).Select(async chunk => await (await again.PostEventsAsync(chunk)).StatusesAsync()));
        Assert.All(resent.SelectMany(a => a), s => Assert.Equal("duplicate", s));
    }
}

public sealed class SqliteKillRecoveryTests : KillRecoveryTests
{
    protected override Task<HostStorage> StorageAsync() => Task.FromResult(HostStorage.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresKillRecoveryTests(PostgresServer postgres) : KillRecoveryTests
{
    protected override async Task<HostStorage> StorageAsync() => HostStorage.Postgres(await postgres.CreateDatabaseAsync("kill"));
}
