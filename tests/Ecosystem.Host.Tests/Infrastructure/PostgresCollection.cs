using Ecosystem.Testing;

namespace Ecosystem.Host.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

public static class SharedPostgresHost
{
    private static readonly SemaphoreSlim Lock = new(1, 1);
    private static readonly Dictionary<PostgresServer, HostProcess> Hosts = [];

    /// <summary>One engine node on its own database, shared by the tests of the postgres collection that only need "a host".</summary>
    public static async Task<HostProcess> SharedHostAsync(this PostgresServer postgres)
    {
        await Lock.WaitAsync();
        try
        {
            if (!Hosts.TryGetValue(postgres, out var host))
            {
                host = await HostProcess.StartAsync(HostStorage.Postgres(await postgres.CreateDatabaseAsync("shared")));
                postgres.Own(host);
                Hosts[postgres] = host;
            }

            return host;
        }
        finally
        {
            Lock.Release();
        }
    }

    /// <summary>Two engine nodes started together on one fresh database with one cluster id: one Orleans cluster.</summary>
    public static async Task<(HostProcess A, HostProcess B)> StartTwoNodeClusterAsync(this PostgresServer postgres, string databasePrefix)
    {
        var storage = HostStorage.Postgres(await postgres.CreateDatabaseAsync(databasePrefix));
        var clusterId = new Dictionary<string, string> { ["Ecosystem__Cluster__ClusterId"] = "c-" + Guid.NewGuid().ToString("N")[..8] };
        // Both nodes start at once: the schema must not be raced.
        var nodes = await Task.WhenAll(
            HostProcess.StartAsync(storage, clusterId),
            HostProcess.StartAsync(storage with { DataDirectory = storage.DataDirectory + "-b" }, clusterId));
        return (nodes[0], nodes[1]);
    }
}
