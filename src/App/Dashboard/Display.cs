using System.Globalization;

namespace Tributary.App.Dashboard;

/// <summary>Numbers as the dashboard writes them: with thousands separators, and a noun that agrees.</summary>
public static class Display
{
    /// <summary>"635,000".</summary>
    public static string Number(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>"1 item", "635,000 items".</summary>
    public static string Count(long value, string noun) => $"{Number(value)} {noun}{(value == 1 ? "" : "s")}";
}
