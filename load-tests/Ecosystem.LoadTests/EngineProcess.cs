using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ecosystem.LoadTests;

/// <summary>The engine started as a real process from the build beside this harness, on SQLite or PostgreSQL.</summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _dataDir;

    private EngineProcess(Process process, Uri url, string? dataDir)
    {
        _process = process;
        Url = url;
        _dataDir = dataDir;
    }

    public Uri Url { get; }
    public int Pid => _process.Id;

    public static async Task<EngineProcess> StartAsync(string provider, string? connectionString, string adminKey)
    {
        var port = FreePort();
        var dataDir = Path.Combine(Path.GetTempPath(), "eco-load-" + Guid.NewGuid().ToString("N")[..8]);
        var dll = Path.Combine(AppContext.BaseDirectory, "Ecosystem.Host.dll");
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var url = new Uri($"http://127.0.0.1:{port}");
        psi.Environment["ASPNETCORE_URLS"] = url.ToString();
        psi.Environment["Ecosystem__AdminApiKey"] = adminKey;
        psi.Environment["Ecosystem__DataDirectory"] = dataDir;
        psi.Environment["Ecosystem__Storage__Provider"] = provider;
        psi.Environment["Ecosystem__Cluster__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        psi.Environment["Ecosystem__Cluster__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        psi.Environment["Ecosystem__Cluster__AdvertisedIp"] = "127.0.0.1";
        psi.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        if (connectionString is not null)
        {
            psi.Environment["ConnectionStrings__Ecosystem"] = connectionString;
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("[engine] " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var engine = new EngineProcess(process, url, dataDir);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return engine;
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

        await engine.DisposeAsync();
        throw new InvalidOperationException("The engine did not become ready within 60 s.");
    }

    /// <summary>Resident set size and CPU seconds of the engine process, from /proc.</summary>
    public (long RssBytes, double CpuSeconds) Usage()
    {
        _process.Refresh();
        return (_process.WorkingSet64, _process.TotalProcessorTime.TotalSeconds);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_dataDir is not null && Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
