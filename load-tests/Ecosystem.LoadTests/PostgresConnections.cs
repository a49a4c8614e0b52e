using Npgsql;

namespace Ecosystem.LoadTests;

/// <summary>
/// Samples how many sessions the server holds open on the engine's database (<c>pg_stat_activity</c>), four times a
/// second, leaving out its own: the figure a node's connection budget (<c>Ecosystem:Storage:MaxConnections</c>) bounds.
/// </summary>
internal sealed class PostgresConnections : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _loop;

    private PostgresConnections(string connectionString) => _loop = RunAsync(connectionString, _stop.Token);

    public static PostgresConnections Start(string connectionString) => new(connectionString);

    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _loop;
    }

    private static async Task<int> RunAsync(string connectionString, CancellationToken stop)
    {
        var peak = 0;
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var conn = new NpgsqlConnection(builder.ConnectionString);
        await conn.OpenAsync(CancellationToken.None);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", conn);
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, (int)(long)(await cmd.ExecuteScalarAsync(CancellationToken.None))!);
            try
            {
                await Task.Delay(250, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return peak;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_loop.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
