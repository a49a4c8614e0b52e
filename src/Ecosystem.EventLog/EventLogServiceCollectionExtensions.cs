using Ecosystem.EventLog.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ecosystem.EventLog;

/// <summary>Where the log lives and how it batches.</summary>
public sealed record EventLogSettings
{
    public const string Postgres = "postgres";
    public const string Sqlite = "sqlite";

    /// <summary><see cref="Postgres"/> or <see cref="Sqlite"/>.</summary>
    public required string Provider { get; init; }

    public required string ConnectionString { get; init; }

    /// <summary>Events per log transaction at most; concurrent appends are grouped up to this size.</summary>
    public int MaxAppendBatch { get; init; } = 5_000;

    /// <summary>
    /// PostgreSQL connections the log may hold open at once (its share of the node's connection budget). Callers wait
    /// for a free one rather than fail.
    /// </summary>
    public int MaxConnections { get; init; } = 10;

    public bool IsPostgres => Provider == Postgres;
}

public static class EventLogServiceCollectionExtensions
{
    /// <summary>
    /// The event log: the store for <paramref name="settings"/>' database and the group-commit <see cref="IEventLog"/>
    /// over it. After each commit it calls the <see cref="IEventDispatcher"/> registered beside it, if any.
    /// </summary>
    public static IServiceCollection AddEcosystemEventLog(this IServiceCollection services, EventLogSettings settings)
    {
        services.AddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);
        if (settings.IsPostgres)
        {
            services.AddSingleton<IEventStore>(_ => new PostgresEventStore(PostgresDataSource(settings)));
        }
        else
        {
            services.AddSingleton<IEventStore>(_ => new SqliteEventStore(settings.ConnectionString));
        }

        services.AddSingleton<GroupCommitEventLog>(sp => new GroupCommitEventLog(
            sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<TimeProvider>(), settings,
            sp.GetRequiredService<ILogger<GroupCommitEventLog>>(), sp.GetService<IEventDispatcher>()));
        services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<GroupCommitEventLog>());
        return services;
    }

    /// <summary>The log's pool: capped at its share of the connection budget, waiting (not failing) when all are busy.</summary>
    public static NpgsqlDataSource PostgresDataSource(EventLogSettings settings)
    {
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { MaxPoolSize = settings.MaxConnections };
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }
}
