using System.Text.Json;
using Tributary.App.Feeds;
using Tributary.Streaming.Records;

namespace Tributary.App.Dashboard.State;

/// <summary>
/// The live view's state, kept apart from rendering so that items can arrive at any rate on any thread
/// (<see cref="Enqueue"/>) while the view takes them in batches, at most once per render tick
/// (<see cref="Apply"/>, on the renderer's thread). Paused, it keeps counting but stops changing what is
/// shown: items that arrive while paused are counted, not displayed.
/// </summary>
public sealed class LiveBoard(int timelineCapacity, int chartPoints, TimeProvider timeProvider)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly LinkedList<TimelineEntry> _timeline = new();
    private readonly Queue<(DateTimeOffset At, int Count)> _recent = new();
    private readonly Dictionary<string, FeedCard> _cards = new(StringComparer.Ordinal);
    private List<FeedItem<JsonElement>> _pending = [];
    private long _total;
    private long _nextId;
    private int _recentCount;

    public bool Paused { get; set; }

    public long TotalItems => Interlocked.Read(ref _total);

    /// <summary>Items per second over the last second, as of the last <see cref="Apply"/>.</summary>
    public double ItemsPerSecond { get; private set; }

    /// <summary>Newest first.</summary>
    public IReadOnlyCollection<TimelineEntry> Timeline => _timeline;

    public IReadOnlyList<FeedCard> Cards => [.. _cards.Values];

    /// <summary>Sets which feeds get a card, keeping the cards of feeds that stay selected.</summary>
    public void SetFeeds(IEnumerable<FeedInfo> feeds)
    {
        var wanted = feeds.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var name in _cards.Keys.Where(n => !wanted.ContainsKey(n)).ToList())
        {
            _cards.Remove(name);
        }

        foreach (var feed in wanted.Values.Where(f => !_cards.ContainsKey(f.Name)))
        {
            _cards[feed.Name] = new FeedCard(feed, chartPoints);
        }
    }

    /// <summary>Whether <see cref="Apply"/> has anything to do: items waiting, or a rate still to fall to zero.</summary>
    public bool HasWork
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count > 0 || _recentCount > 0;
            }
        }
    }

    /// <summary>Takes an item from any thread. Cheap: the work happens in <see cref="Apply"/>.</summary>
    public void Enqueue(FeedItem<JsonElement> item)
    {
        lock (_gate)
        {
            _pending.Add(item);
        }

        Interlocked.Increment(ref _total);
    }

    /// <summary>Moves what arrived since the last call into the view. Returns whether anything visible changed.</summary>
    public bool Apply()
    {
        List<FeedItem<JsonElement>> batch;
        lock (_gate)
        {
            (batch, _pending) = (_pending, []);
        }

        var rateChanged = UpdateRate(batch.Count);
        if (batch.Count == 0 || Paused)
        {
            return rateChanged || batch.Count > 0;
        }

        foreach (var item in batch)
        {
            Show(item);
        }

        return true;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _pending.Clear();
        }

        _timeline.Clear();
        foreach (var card in _cards.Values)
        {
            card.Clear();
        }

        Interlocked.Exchange(ref _total, 0);
        _recent.Clear();
        _recentCount = 0;
        ItemsPerSecond = 0;
    }

    private void Show(FeedItem<JsonElement> item)
    {
        var kind = _cards.TryGetValue(item.Feed, out var card) ? card.Feed.Kind : "";
        var summary = FeedPresenter.Describe(kind, item.Data);
        _timeline.AddFirst(new TimelineEntry(++_nextId, item.Timestamp, item.Feed, item.Sequence, summary));
        if (_timeline.Count > timelineCapacity)
        {
            _timeline.RemoveLast();
        }

        card?.Add(item, summary);
    }

    private bool UpdateRate(int arrived)
    {
        var now = timeProvider.GetUtcNow();
        if (arrived > 0)
        {
            _recent.Enqueue((now, arrived));
            _recentCount += arrived;
        }

        while (_recent.Count > 0 && now - _recent.Peek().At > RateWindow)
        {
            _recentCount -= _recent.Dequeue().Count;
        }

        var rate = (double)_recentCount / RateWindow.TotalSeconds;
        var changed = rate != ItemsPerSecond;
        ItemsPerSecond = rate;
        return changed;
    }
}
