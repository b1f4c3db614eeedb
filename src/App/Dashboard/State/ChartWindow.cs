namespace Tributary.App.Dashboard.State;

/// <summary>How much time a card's chart shows: the last minute, five or fifteen.</summary>
public sealed record ChartWindow(TimeSpan Span, string Label)
{
    public static ChartWindow OneMinute { get; } = new(TimeSpan.FromMinutes(1), "1 min");

    public static ChartWindow FiveMinutes { get; } = new(TimeSpan.FromMinutes(5), "5 min");

    public static ChartWindow FifteenMinutes { get; } = new(TimeSpan.FromMinutes(15), "15 min");

    public static IReadOnlyList<ChartWindow> All { get; } = [OneMinute, FiveMinutes, FifteenMinutes];

    /// <summary>Its minutes, as the address writes it (<c>window=5</c>).</summary>
    public int Minutes => (int)Span.TotalMinutes;

    /// <summary>The window of <paramref name="minutes"/>, or null if there is none.</summary>
    public static ChartWindow? Of(int minutes) => All.FirstOrDefault(w => w.Minutes == minutes);
}
