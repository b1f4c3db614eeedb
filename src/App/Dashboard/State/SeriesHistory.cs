namespace Tributary.App.Dashboard.State;

/// <summary>
/// One chart series' recent points, kept for every <see cref="ChartWindow"/> at the resolution that window needs
/// (its span over <see cref="PointsPerWindow"/>: the latest value of each slot), so memory is bounded whatever the
/// feed's rate, and a longer window shows the minutes before it was chosen.
/// </summary>
internal sealed class SeriesHistory
{
    /// <summary>The most points a window holds: enough for a smooth line, few enough to draw at once.</summary>
    public const int PointsPerWindow = 600;

    private readonly Dictionary<ChartWindow, List<(DateTimeOffset At, double Value)>> _tiers =
        ChartWindow.All.ToDictionary(w => w, _ => new List<(DateTimeOffset, double)>());

    public void Add(DateTimeOffset at, double value)
    {
        foreach (var (window, points) in _tiers)
        {
            var slot = window.Span / PointsPerWindow;
            if (points.Count > 0 && SlotOf(points[^1].At, slot) == SlotOf(at, slot))
            {
                points[^1] = (at, value);
            }
            else
            {
                points.Add((at, value));
            }

            var kept = points.FindIndex(p => at - p.At <= window.Span);
            if (kept > 0)
            {
                points.RemoveRange(0, kept);
            }
        }
    }

    /// <summary>The points of the last <paramref name="window"/> before <paramref name="now"/>, oldest first.</summary>
    public IEnumerable<(DateTimeOffset At, double Value)> Within(ChartWindow window, DateTimeOffset now) =>
        _tiers[window].Where(p => now - p.At <= window.Span);

    private static long SlotOf(DateTimeOffset at, TimeSpan slot) => at.UtcTicks / slot.Ticks;
}
