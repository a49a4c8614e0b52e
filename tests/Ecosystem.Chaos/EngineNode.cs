using System.Diagnostics;
using System.Globalization;
using Ecosystem.Testing;

namespace Ecosystem.Chaos;

/// <summary>
/// One engine node as a real process, from the build beside this program. Its ports are chosen once, so a node
/// killed and started again comes back at the same address (clients that knew it find it again) with the same
/// silo endpoint (a new generation of it, as after a machine reboot).
/// </summary>
internal sealed class EngineNode : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly string _clusterId;
    private readonly string _adminKey;
    private readonly int _siloPort = PostgresServer.FreePort();
    private readonly int _gatewayPort = PostgresServer.FreePort();
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "eco-chaos-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Lock _logGate = new();
    private StreamWriter? _log;
    private Process? _process;

    public EngineNode(int number, string connectionString, string clusterId, string adminKey, string logDirectory)
    {
        Number = number;
        _connectionString = connectionString;
        _clusterId = clusterId;
        _adminKey = adminKey;
        Url = new Uri($"http://127.0.0.1:{PostgresServer.FreePort()}");
        LogPath = Path.Combine(logDirectory, $"node{number}.log");
    }

    public int Number { get; }
    public Uri Url { get; }
    public string LogPath { get; }
    public bool IsRunning => _process is { HasExited: false };

    public async Task StartAsync(TimeSpan timeout)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Ecosystem.Host.dll");
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["ASPNETCORE_URLS"] = Url.ToString();
        psi.Environment["Ecosystem__AdminApiKey"] = _adminKey;
        psi.Environment["Ecosystem__DataDirectory"] = _dataDir;
        psi.Environment["Ecosystem__Storage__Provider"] = "postgres";
        psi.Environment["ConnectionStrings__Ecosystem"] = _connectionString;
        psi.Environment["Ecosystem__Cluster__SiloPort"] = _siloPort.ToString(CultureInfo.InvariantCulture);
        psi.Environment["Ecosystem__Cluster__GatewayPort"] = _gatewayPort.ToString(CultureInfo.InvariantCulture);
        psi.Environment["Ecosystem__Cluster__AdvertisedIp"] = "127.0.0.1";
        psi.Environment["Ecosystem__Cluster__ClusterId"] = _clusterId;

        lock (_logGate)
        {
            _log ??= new StreamWriter(LogPath, append: true) { AutoFlush = true };
            _log.WriteLine($"==== node {Number} starting at {DateTimeOffset.UtcNow:O} ====");
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Node {Number} exited with {process.ExitCode}; see {LogPath}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
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

        throw new TimeoutException($"Node {Number} was not ready within {timeout.TotalSeconds} s; see {LogPath}");
    }

    /// <summary>SIGKILL: no shutdown, no deactivation, no goodbye to the cluster.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Write($"==== node {Number} killed (SIGKILL) at {DateTimeOffset.UtcNow:O} ====");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            _log?.WriteLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        lock (_logGate)
        {
            _log?.Dispose();
            _log = null;
        }

        try
        {
            if (Directory.Exists(_dataDir))
            {
                Directory.Delete(_dataDir, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
