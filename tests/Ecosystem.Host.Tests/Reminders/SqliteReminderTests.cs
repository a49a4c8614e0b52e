using Ecosystem.Host.Hosting;
using Ecosystem.Host.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ecosystem.Host.Tests.Reminders;

/// <summary>"Timers must survive restarts" on the embedded database, with the production reminder schema.</summary>
public sealed class SqliteReminderTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "eco-reminders-" + Guid.NewGuid().ToString("N")[..8]);
    private EcosystemDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = EcosystemDatabase.From(new EcosystemOptions { DataDirectory = _dataDirectory }, null);
        await SchemaMigrator.ApplyAsync(_database, NullLogger.Instance, CancellationToken.None);
    }

    [Fact]
    public Task A_reminder_armed_before_a_full_restart_ticks_on_the_restarted_cluster_on_SQLite() =>
        ReminderRestartScenario.RunAsync(_database);

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
        return Task.CompletedTask;
    }
}
