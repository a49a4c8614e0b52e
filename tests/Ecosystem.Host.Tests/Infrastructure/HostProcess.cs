using Ecosystem.Testing;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ecosystem.Host.Tests.Infrastructure;

/// <summary>Where the engine keeps its data for one test: SQLite in a temporary directory, or a PostgreSQL database.</summary>
public sealed record HostStorage(string Provider, string? ConnectionString, string DataDirectory)
{
    public static HostStorage Sqlite() =>
        new("sqlite", null, Path.Combine(Path.GetTempPath(), "eco-host-" + Guid.NewGuid().ToString("N")[..8]));

    public static HostStorage Postgres(string connectionString) =>
        new("postgres", connectionString, Path.Combine(Path.GetTempPath(), "eco-host-" + Guid.NewGuid().ToString("N")[..8]));
}

/// <summary>
/// The engine as a real operating-system process (the built Ecosystem.Host.dll), so tests can kill it
/// with SIGKILL and start it again on the same data.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _fullLog = new();
    private Process? _process;

    public HostProcess(HostStorage storage, IDictionary<string, string>? settings = null)
    {
        Storage = storage;
        Settings = settings ?? new Dictionary<string, string>();
    }

    public HostStorage Storage { get; }
    public IDictionary<string, string> Settings { get; }

    /// <summary>Keep every line the process writes (stdout and stderr), not only the tail; set before starting.</summary>
    public bool KeepFullLog { get; set; }

    /// <summary>Every line written since start when <see cref="KeepFullLog"/> is set; otherwise empty.</summary>
    public IReadOnlyList<string> FullLog => [.. _fullLog];
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1");
    public int Pid => _process?.Id ?? 0;

    public static async Task<HostProcess> StartAsync(HostStorage storage, IDictionary<string, string>? settings = null)
    {
        var host = new HostProcess(storage, settings);
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// Starts the host on ports that were free a moment ago. Another process (a database client's outgoing connection
    /// takes an ephemeral port too) can take one in between; the host then exits at once, and is started again on
    /// fresh ports.
    /// </summary>
    public async Task StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartOnceAsync();
                return;
            }
            catch (HostExitedException ex) when (attempt < 3 && ex.Message.Contains("address already in use", StringComparison.Ordinal))
            {
                _output.Clear();
            }
        }
    }

    private sealed class HostExitedException(string message) : InvalidOperationException(message);

    private async Task StartOnceAsync()
    {
        var port = PostgresServer.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var psi = new ProcessStartInfo("dotnet", $"\"{RepoPaths.HostDll}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.HostDll)!,
        };
        psi.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        psi.Environment["Ecosystem__AdminApiKey"] = AdminKey;
        psi.Environment["Ecosystem__DataDirectory"] = Storage.DataDirectory;
        psi.Environment["Ecosystem__Storage__Provider"] = Storage.Provider;
        psi.Environment["Ecosystem__Cluster__SiloPort"] = PostgresServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["Ecosystem__Cluster__GatewayPort"] = PostgresServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["Ecosystem__Cluster__AdvertisedIp"] = "127.0.0.1";
        psi.Environment["Ecosystem__Cluster__ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8];
        if (Storage.ConnectionString is not null)
        {
            psi.Environment["ConnectionStrings__Ecosystem"] = Storage.ConnectionString;
        }

        foreach (var (key, value) in Settings)
        {
            psi.Environment[key] = value;
        }

        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new HostExitedException($"The host exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The host was not ready within 60 s:\n{Output}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (KeepFullLog)
        {
            _fullLog.Enqueue(line);
        }

        while (_output.Count > 400 && _output.TryDequeue(out _))
        {
        }
    }

    public string Output => string.Join('\n', _output);

    /// <summary>SIGKILL: no shutdown hooks, no flushing, no deactivation. What survives is what was durable.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public HttpClient Client(string? key = AdminKey)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            if (Directory.Exists(Storage.DataDirectory))
            {
                Directory.Delete(Storage.DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The host as built beside the tests (the test project references it, so its dll, runtimeconfig and deps are copied here).</summary>
    public static string HostDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Ecosystem.Host.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("The host is not beside the test binaries.", path);
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ecosystem.Orleans.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Ecosystem.Orleans.sln not found above the test binaries.");
    }
}

public static class Json
{
    public static async Task<JsonElement> ReadAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostEventsAsync(this HttpClient http, object body) =>
        http.PostAsJsonAsync(new Uri("/api/events", UriKind.Relative), body);

    public static async Task<string[]> StatusesAsync(this HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        var body = await response.ReadAsync();
        return [.. body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()!)];
    }
}
