namespace Tributary.App.Dashboard.State;

/// <summary>Round spacings for a time axis, so a chart of any span shows several labelled ticks.</summary>
public static class TimeTicks
{
    private const int WantedTicks = 5;

    private static readonly TimeSpan[] Spacings =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2),
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1),
    ];

    /// <summary>The smallest round spacing that puts at most about five ticks on <paramref name="span"/>.</summary>
    public static TimeSpan SpacingFor(TimeSpan span) =>
        Spacings.FirstOrDefault(s => span / s <= WantedTicks, Spacings[^1]);
}
