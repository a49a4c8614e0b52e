using System.Security.Cryptography;

namespace Ecosystem.Host.Hosting;

/// <summary>Gives a node with no configured admin key a random one, kept in a file only its owner can read.</summary>
public static class AdminKeyFile
{
    /// <summary>Fills <see cref="EcosystemOptions.AdminApiKey"/> when empty; returns the file's path in that case.</summary>
    public static string? EnsureKey(EcosystemOptions options)
    {
        if (!string.IsNullOrEmpty(options.AdminApiKey))
        {
            return null;
        }

        var dir = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "admin.key");
        if (!File.Exists(path))
        {
            var key = "eco_admin_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, fileOptions);
            using var writer = new StreamWriter(stream);
            writer.Write(key);
        }

        options.AdminApiKey = File.ReadAllText(path).Trim();
        return path;
    }
}

internal sealed class AdminKeyNotice(string path, ILogger<AdminKeyNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("No Ecosystem:AdminApiKey configured; the admin key is in {AdminKeyFile}", path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
