using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Tributary.App.Security;

/// <summary>
/// Keeps Kestrel answering when more sockets arrive than the process may open. Without a cap, 1,200 idle sockets
/// against a 1,024 open-file limit used every descriptor and <c>/api/feeds</c> stopped answering until they closed.
/// Unless <c>Kestrel:Limits</c> sets them, the caps are taken from the process's open-file limit, leaving room for
/// upstream connections, the database and files: connections beyond them are closed at once, and the rest are served.
/// Idle sockets are closed by <c>Kestrel:Limits:RequestHeadersTimeout</c> and <c>KeepAliveTimeout</c> (appsettings.json).
/// </summary>
public sealed class ConnectionLimits(ILogger<ConnectionLimits> logger) : IPostConfigureOptions<KestrelServerOptions>
{
    public void PostConfigure(string? name, KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Limits;
        if (limits.MaxConcurrentConnections is not null || limits.MaxConcurrentUpgradedConnections is not null || OpenFileLimit() is not { } files)
        {
            return;
        }

        var (connections, upgraded) = Derive(files);
        limits.MaxConcurrentConnections = connections;
        limits.MaxConcurrentUpgradedConnections = upgraded;
        SecurityLog.ConnectionLimits(logger, connections, upgraded, files);
    }

    /// <summary>
    /// Splits what is left of <paramref name="openFiles"/> after a reserve (a tenth, at least 64) between plain
    /// connections and upgraded ones, which Kestrel counts apart: four fifths and one fifth.
    /// </summary>
    public static (long Connections, long Upgraded) Derive(long openFiles)
    {
        var budget = Math.Max(16, openFiles - Math.Max(64, openFiles / 10));
        var upgraded = Math.Max(4, budget / 5);
        return (Math.Max(12, budget - upgraded), upgraded);
    }

    /// <summary>The soft open-file limit (<c>ulimit -n</c>) on Linux; <see langword="null"/> elsewhere or when unlimited.</summary>
    public static long? OpenFileLimit()
    {
        const string path = "/proc/self/limits";
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
