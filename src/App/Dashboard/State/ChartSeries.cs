namespace Tributary.App.Dashboard.State;

/// <summary>
/// One line of a chart: its name, its colour, and its points split into segments wherever the feed paused, so
/// the chart shows a break instead of a straight line across the pause.
/// </summary>
public sealed record ChartSeries(string Name, string Colour, IReadOnlyList<ChartPoint[]> Segments)
{
    public ChartPoint? Latest => Segments.Count > 0 && Segments[^1].Length > 0 ? Segments[^1][^1] : null;
}
