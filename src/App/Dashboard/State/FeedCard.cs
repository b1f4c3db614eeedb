using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds;

namespace Tributary.App.Dashboard.State;

/// <summary>
/// What one feed's card shows: its latest value, a chart of recent numbers or recent headlines, and what went
/// wrong on the way (gaps with their missed items, resets, items the view had to drop, the upstream's status).
/// </summary>
public sealed class FeedCard(FeedInfo feed)
{
    private const int HeadlineCount = 5;

    // A pause longer than this many typical spacings (and at least MinBreak) breaks the line.
    private const int BreakFactor = 5;
    private static readonly TimeSpan MinBreak = TimeSpan.FromSeconds(3);

    private readonly Dictionary<string, SeriesHistory> _points = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChartSeries> _published = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _headlines = new();
    private ChartWindow? _publishedWindow;
    private DateTimeOffset? _oldestShown;
    private IReadOnlyList<ChartSeries> _series = [];

    public FeedInfo Feed { get; } = feed;

    public string? Latest { get; private set; }

    /// <summary>Data items received since the last Clear.</summary>
    public long Count { get; private set; }

    /// <summary>Gap records: the server dropped items for this reader (its buffer overflowed) or lost them in a failover.</summary>
    public long Gaps { get; private set; }

    /// <summary>Items the gap records say were missed.</summary>
    public long Missed { get; private set; }

    public long Resets { get; private set; }

    /// <summary>Gap records of unknown size: the feed was interrupted (its producer moved, its upstream reconnected) and what it sent meanwhile is not known.</summary>
    public long Interruptions { get; private set; }

    /// <summary>What the last interruption's record said, for the card's explanation.</summary>
    public string? LastInterruption { get; private set; }

    /// <summary>Items that reached the dashboard but were dropped before they were shown, because the view fell behind.</summary>
    public long DroppedInView { get; internal set; }

    /// <summary>The latest upstream status or error message, e.g. "reconnecting in 2 s"; null when all is well.</summary>
    public string? Status { get; private set; }

    /// <summary>Extra lines from the latest item (for <c>system</c>: each shared feed's state).</summary>
    public IReadOnlyList<string> Details { get; private set; } = [];

    public bool IsCharted => FeedPresenter.IsCharted(Feed.Kind);

    /// <summary>
    /// The chart's series, as of the last <see cref="PublishSeries"/>. A series is a new instance only when it has
    /// new points: a chart re-processes a series whenever it is handed a new instance.
    /// </summary>
    public IReadOnlyList<ChartSeries> Series => _series;

    /// <summary>Newest first.</summary>
    public IReadOnlyCollection<string> Headlines => _headlines;

    internal void Add(FeedRecord record, string summary)
    {
        Latest = summary;
        Count++;
        Details = FeedPresenter.Details(Feed.Kind, record.Data);
        foreach (var (name, value) in FeedPresenter.Points(Feed.Kind, record.Data))
        {
            AddPoint(name, record.Timestamp, value);
        }

        if (!IsCharted)
        {
            _headlines.AddFirst(summary);
            if (_headlines.Count > HeadlineCount)
            {
                _headlines.RemoveLast();
            }
        }
    }

    internal void Note(FeedRecord record, TimelineKind kind)
    {
        switch (kind)
        {
            case TimelineKind.Gap:
                Gaps++;
                // A gap of unknown size (a failover's or an upstream's reconnect: what was lost was never numbered)
                // says "skipped": null. It is not a gap of nothing: it is counted as an interruption.
                if (JsonFields.WholeNumber(record.Data, "skipped") is { } count)
                {
                    Missed += count;
                }
                else
                {
                    Interruptions++;
                    LastInterruption = record.Message;
                }

                break;
            case TimelineKind.Reset:
                Resets++;
                break;
            case TimelineKind.Status:
                Status = IsHealthy(record) ? null : record.Message;
                break;
            case TimelineKind.Error:
                Status = record.Message;
                break;
        }
    }

    /// <summary>
    /// Rebuilds the series that have new points (all of them when <paramref name="window"/> changed): the points of
    /// that window before <paramref name="now"/>, with times in <paramref name="zone"/>. Returns whether any changed.
    /// </summary>
    internal bool PublishSeries(TimeZoneInfo zone, ChartWindow window, DateTimeOffset now)
    {
        if (window != _publishedWindow)
        {
            _publishedWindow = window;
            _changed.UnionWith(_points.Keys);
        }

        // A series that went quiet gets no new points, yet its old ones leave the window as time passes.
        if (_oldestShown is { } oldest && now - oldest > window.Span)
        {
            _changed.UnionWith(_points.Keys);
        }

        if (_changed.Count == 0)
        {
            return false;
        }

        // Colours follow from the set of names, taken in name order: the same series get the same colours
        // whatever order their first points arrived in, run after run.
        var colours = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in _points.Keys.Order(StringComparer.Ordinal))
        {
            colours[name] = SeriesPalette.ColourOf(name, colours.Values);
        }

        var oldestShown = _changed.Count == _points.Count ? null : _oldestShown;
        foreach (var name in _points.Keys)
        {
            if (_changed.Contains(name) || !_published.TryGetValue(name, out var old) || old.Colour != colours[name])
            {
                List<(DateTimeOffset At, double Value)> points = [.. _points[name].Within(window, now)];
                _published[name] = new ChartSeries(name, colours[name], Segments(points, zone));
                if (points.Count > 0 && (oldestShown is null || points[0].At < oldestShown))
                {
                    oldestShown = points[0].At;
                }
            }
        }

        _oldestShown = oldestShown;
        _changed.Clear();
        // A series with nothing left in the window leaves the chart and its legend.
        _series = [.. _published.Values.Where(s => s.Segments.Count > 0).OrderBy(s => s.Name, StringComparer.Ordinal)];
        return true;
    }

    internal void Clear()
    {
        _points.Clear();
        _published.Clear();
        _changed.Clear();
        _headlines.Clear();
        _series = [];
        _oldestShown = null;
        Latest = null;
        Status = null;
        Count = Gaps = Missed = Resets = Interruptions = DroppedInView = 0;
        LastInterruption = null;
        Details = [];
    }

    private static bool IsHealthy(FeedRecord record) => JsonFields.IsString(record.Data, "status", "connected");

    private void AddPoint(string name, DateTimeOffset at, double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        if (!_points.TryGetValue(name, out var points))
        {
            _points[name] = points = new SeriesHistory();
        }

        points.Add(at, value);
        _changed.Add(name);
    }

    private static List<ChartPoint[]> Segments(List<(DateTimeOffset At, double Value)> points, TimeZoneInfo zone)
    {
        var breakAfter = BreakAfter(points);
        var segments = new List<ChartPoint[]>();
        var current = new List<ChartPoint>();
        DateTimeOffset? previous = null;
        foreach (var (at, value) in points)
        {
            if (previous is { } before && at - before > breakAfter && current.Count > 0)
            {
                segments.Add([.. current]);
                current.Clear();
            }

            current.Add(new ChartPoint(TimeZoneInfo.ConvertTime(at, zone).DateTime, value));
            previous = at;
        }

        if (current.Count > 0)
        {
            segments.Add([.. current]);
        }

        return segments;
    }

    // The median spacing is the series' usual pace whatever its rate; a few slow points do not move it. Until
    // there are enough points to know the pace, nothing is a pause: the first points make a line, not dots.
    private static TimeSpan BreakAfter(List<(DateTimeOffset At, double Value)> points)
    {
        if (points.Count < 3)
        {
            return TimeSpan.MaxValue;
        }

        var spacings = points.Zip(points.Skip(1), (a, b) => (b.At - a.At).Ticks).Order().ToArray();
        var median = TimeSpan.FromTicks(spacings[spacings.Length / 2]);
        return median * BreakFactor > MinBreak ? median * BreakFactor : MinBreak;
    }
}
