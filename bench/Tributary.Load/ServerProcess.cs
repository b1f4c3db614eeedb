using System.Globalization;

namespace Tributary.Load;

/// <summary>Reads the server's resident memory and CPU time from /proc (the server runs on this machine).</summary>
internal sealed class ServerProcess(int pid)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public long ResidentKilobytes()
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    public TimeSpan CpuTime() => CpuTimeOf(File.ReadAllText($"/proc/{pid}/stat"));

    /// <summary>User plus system CPU time from the text of a <c>/proc/PID/stat</c> file.</summary>
    public static TimeSpan CpuTimeOf(string stat)
    {
        // Fields after the command name (which is in parentheses and may hold spaces): utime is 14th, stime 15th.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The command name in the text of a <c>/proc/PID/stat</c> file.</summary>
    public static string NameOf(string stat) => stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
}
