using System.Globalization;

namespace Tributary.Load;

/// <summary>
/// CPU time of every Chromium process on the machine (browser, renderers, GPU and utility processes), from
/// /proc. The dashboard mode's browser is the only Chromium running while it measures.
/// </summary>
internal static class ChromiumCpu
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    public static TimeSpan Total()
    {
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                if (!name.StartsWith("chrom", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
