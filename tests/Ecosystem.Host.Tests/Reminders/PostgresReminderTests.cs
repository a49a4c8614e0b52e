using Ecosystem.Host.Hosting;
using Ecosystem.Host.Storage;
using Ecosystem.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ecosystem.Host.Tests.Reminders;

/// <summary>"Timers must survive restarts" on PostgreSQL, with the production reminder schema on a fresh database.</summary>
public sealed class PostgresReminderTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task A_reminder_armed_before_a_full_restart_ticks_on_the_restarted_cluster_on_PostgreSQL()
    {
        var connectionString = await server.CreateDatabaseAsync("reminders");
        var database = EcosystemDatabase.From(new EcosystemOptions { Storage = { Provider = StorageOptions.Postgres } }, connectionString);
        await SchemaMigrator.ApplyAsync(database, NullLogger.Instance, CancellationToken.None);

        await ReminderRestartScenario.RunAsync(database);
    }
}
