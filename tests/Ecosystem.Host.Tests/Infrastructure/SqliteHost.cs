namespace Ecosystem.Host.Tests.Infrastructure;

/// <summary>One engine node on the embedded default (SQLite in a temporary directory), shared by a test class.</summary>
public sealed class SqliteHost : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await HostProcess.StartAsync(HostStorage.Sqlite());

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
