using System.Text.Json;
using Tributary.App.Feeds;
using Tributary.Streaming.Records;

namespace Tributary.App.Dashboard.State;

/// <summary>What one feed's card shows: its latest value, a chart of recent numbers, or recent headlines.</summary>
public sealed class FeedCard(FeedInfo feed, int chartPoints)
{
    private const int HeadlineCount = 5;

    private readonly Dictionary<string, Queue<ChartPoint>> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChartPoint[]> _charted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _headlines = new();

    public FeedInfo Feed { get; } = feed;

    public string? Latest { get; private set; }

    public long Count { get; private set; }

    /// <summary>Extra lines from the latest item (for <c>system</c>: each shared feed's state).</summary>
    public IReadOnlyList<string> Details { get; private set; } = [];

    public bool IsCharted => FeedPresenter.IsCharted(Feed.Kind);

    /// <summary>
    /// Each series' points, oldest first. A series' array is replaced only when that series has new points:
    /// a chart re-processes a series whenever it is handed a new instance, so an unchanged series must stay
    /// the same instance from one render to the next.
    /// </summary>
    public IReadOnlyDictionary<string, ChartPoint[]> Series
    {
        get
        {
            foreach (var name in _changed)
            {
                _charted[name] = [.. _series[name]];
            }

            _changed.Clear();
            return _charted;
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyCollection<string> Headlines => _headlines;

    internal void Add(FeedItem<JsonElement> item, string summary)
    {
        Latest = summary;
        Count++;
        Details = FeedPresenter.Details(Feed.Kind, item.Data);
        foreach (var (name, value) in FeedPresenter.Points(Feed.Kind, item.Data))
        {
            if (double.IsNaN(value))
            {
                continue;
            }

            if (!_series.TryGetValue(name, out var points))
            {
                _series[name] = points = new Queue<ChartPoint>(chartPoints + 1);
            }

            points.Enqueue(new ChartPoint(item.Timestamp.UtcDateTime, value));
            _changed.Add(name);
            if (points.Count > chartPoints)
            {
                points.Dequeue();
            }
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

    internal void Clear()
    {
        _series.Clear();
        _charted.Clear();
        _changed.Clear();
        _headlines.Clear();
        Latest = null;
        Count = 0;
        Details = [];
    }
}
