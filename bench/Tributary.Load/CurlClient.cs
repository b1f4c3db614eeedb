using System.Diagnostics;
using System.Globalization;

namespace Tributary.Load;

/// <summary>Reads a whole response with curl into /dev/null: the cheapest independent client on the machine.</summary>
internal static class CurlClient
{
    /// <summary>Items per second for a response known to carry <paramref name="items"/> records (gzip: left compressed).</summary>
    public static async Task<double> RateAsync(Uri url, long items, bool gzip, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["-sS", "--fail", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}"])
        {
            start.ArgumentList.Add(arg);
        }

        if (gzip)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add("Accept-Encoding: gzip");
        }

        start.ArgumentList.Add(url.ToString());
        using var curl = Process.Start(start) ?? throw new InvalidOperationException("curl did not start.");
        var output = await curl.StandardOutput.ReadToEndAsync(cancellationToken);
        await curl.WaitForExitAsync(cancellationToken);
        var fields = output.Split(' ');
        // A stream cut short would still be fast: each record is at least 40 bytes raw, and gzip at least 1.
        var minimumBytes = gzip ? items / 20 : items * 40;
        if (curl.ExitCode != 0 || fields[0] != "200" || long.Parse(fields[1], CultureInfo.InvariantCulture) < minimumBytes)
        {
            throw new InvalidOperationException($"curl {url} failed: exit {curl.ExitCode}, {output}.");
        }

        return items / double.Parse(fields[2], CultureInfo.InvariantCulture);
    }
}
