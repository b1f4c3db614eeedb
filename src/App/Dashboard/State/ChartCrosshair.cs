namespace Tributary.App.Dashboard.State;

/// <summary>What a chart's crosshair shows at one moment: the time, then each series' value nearest to it.</summary>
/// <param name="Lines">The box's lines: the time, then "series: value".</param>
/// <param name="OnLeft">Whether the box goes left of the line (the moment is in the chart's right half).</param>
public sealed record ChartCrosshair(IReadOnlyList<string> Lines, bool OnLeft)
{
    private const double CharWidth = 7.2;
    private const double LineHeight = 16;

    public double Width => (Lines.Count == 0 ? 0 : Lines.Max(l => l.Length)) * CharWidth + 16;

    public double Height => Lines.Count * LineHeight + 10;

    /// <summary>The box's left edge for a line at <paramref name="x"/>.</summary>
    public double BoxX(double x) => OnLeft ? x - Width - 8 : x + 8;

    /// <summary>
    /// The crosshair at the moment <paramref name="timeOfDay"/> (as the chart's tooltip writes it, <c>HH:mm:ss.fff</c>)
    /// over <paramref name="series"/>; empty when the text is not such a time.
    /// </summary>
    public static ChartCrosshair At(string timeOfDay, IReadOnlyList<ChartSeries> series, ChartMeaning meaning)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(meaning);
        var points = series.SelectMany(s => s.Segments.SelectMany(p => p).Select(p => (s.Name, Point: p))).ToList();
        if (points.Count == 0 || !TimeSpan.TryParse(timeOfDay, System.Globalization.CultureInfo.InvariantCulture, out var time))
        {
            return new([], OnLeft: false);
        }

        // The series are in one window of at most fifteen minutes: a time of day names one moment in it.
        var moment = points.Select(p => p.Point.Time).MinBy(t => Math.Abs((t.TimeOfDay - time).Ticks));
        var lines = series
            .Select(s => (s.Name, Nearest: s.Segments.SelectMany(p => p).MinBy(p => Math.Abs((p.Time - moment).Ticks))))
            .Where(s => s.Nearest is not null)
            .Select(s => $"{s.Name}: {meaning.Format(s.Nearest!.Value)}");
        var first = points.Min(p => p.Point.Time);
        var last = points.Max(p => p.Point.Time);
        return new([timeOfDay, .. lines], OnLeft: moment - first > (last - first) / 2);
    }
}
