namespace Tributary.Load;

/// <summary>
/// CPU time of every Chromium process on the machine (browser, renderers, GPU and utility processes), from
/// /proc. The dashboard mode's browser is the only Chromium running while it measures.
/// </summary>
internal static class ChromiumCpu
{
    public static TimeSpan Total()
    {
        var total = TimeSpan.Zero;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                if (ServerProcess.NameOf(stat).StartsWith("chrom", StringComparison.Ordinal))
                {
                    total += ServerProcess.CpuTimeOf(stat);
                }
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        return total;
    }
}
