using System.Runtime.ExceptionServices;
using System.Text.Json;
using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds;

namespace Tributary.App.Dashboard.State;

/// <summary>
/// The live view's state, kept apart from rendering so that records can arrive at any rate on any thread
/// (<see cref="Enqueue"/>) while the view takes them in batches, at most once per render tick
/// (<see cref="Apply"/>, on the renderer's thread). What waits between two ticks is bounded: if the view falls
/// that far behind, the oldest waiting records are dropped and counted on their cards.
/// </summary>
public sealed class LiveBoard(int timelineCapacity, TimeProvider timeProvider)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    // Charts need not move twenty times a second; at four a second they still look live and cost a fifth.
    private static readonly TimeSpan ChartInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly LinkedList<TimelineEntry> _timeline = new();
    private readonly Queue<(DateTimeOffset At, int Count)> _recent = new();
    private readonly Dictionary<string, FeedCard> _cards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _droppedWaiting = new(StringComparer.Ordinal);
    private const int MaxKeptControls = 256;

    private readonly List<FeedRecord> _keptControls = [];
    private Queue<FeedRecord> _pending = new();
    private IReadOnlyList<FeedCard> _cardList = [];
    private DateTimeOffset _lastChartPublish;
    private long _total;
    private long _lastItemAtTicks;
    private long _nextId;
    private int _recentCount;
    private bool _chartsWaiting;
    private ChartWindow _chartWindow = ChartWindow.OneMinute;

    /// <summary>How many records may wait for the next <see cref="Apply"/>: the timeline's capacity, since no more could be shown.</summary>
    public int PendingCapacity { get; } = Math.Max(1, timelineCapacity);

    /// <summary>How much time the charts show. Default: the last minute. A change shows at the next <see cref="Apply"/>.</summary>
    public ChartWindow ChartWindow
    {
        get => _chartWindow;
        set
        {
            lock (_gate)
            {
                _chartWindow = value;
                _chartsWaiting = true;
                _lastChartPublish = DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>The viewer's time zone: chart axes are in it. Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Utc;

    /// <summary>Data items received since the last Clear, shown or not.</summary>
    public long TotalItems => Interlocked.Read(ref _total);

    /// <summary>When the last data item arrived, or null if none has since the last Clear.</summary>
    public DateTimeOffset? LastItemAt => Interlocked.Read(ref _lastItemAtTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Items per second over the last second, as of the last <see cref="Apply"/>.</summary>
    public double ItemsPerSecond { get; private set; }

    /// <summary>Newest first.</summary>
    public IReadOnlyCollection<TimelineEntry> Timeline => _timeline;

    /// <summary>In the catalog's order.</summary>
    public IReadOnlyList<FeedCard> Cards => _cardList;

    /// <summary>Sets which feeds get a card, keeping the cards of feeds that stay.</summary>
    public void SetFeeds(IEnumerable<FeedInfo> feeds)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        var wanted = feeds.ToList();
        var cards = wanted.Select(f => _cards.TryGetValue(f.Name, out var card) ? card : new FeedCard(f)).ToList();
        _cards.Clear();
        foreach (var card in cards)
        {
            _cards[card.Feed.Name] = card;
        }

        _cardList = cards;
    }

    /// <summary>Whether <see cref="Apply"/> has anything to do: records waiting, or a rate still to fall to zero.</summary>
    public bool HasWork
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count > 0 || _keptControls.Count > 0 || _recentCount > 0 || _chartsWaiting;
            }
        }
    }

    /// <summary>Takes a record from any thread. Cheap: the work happens in <see cref="Apply"/>.</summary>
    public void Enqueue(FeedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (_pending.Count >= PendingCapacity)
            {
                Evict(_pending.Dequeue());
            }

            _pending.Enqueue(record);
        }

        if (record.IsData)
        {
            Interlocked.Increment(ref _total);
            // History is not something arriving now: "last item 0 s ago" must mean a live one.
            if (!record.FromHistory)
            {
                Interlocked.Exchange(ref _lastItemAtTicks, timeProvider.GetUtcNow().UtcTicks);
            }
        }
    }

    // Data the view cannot keep up with is dropped and counted; control records (gaps, resets, errors) are what
    // explain such losses, so they are kept, up to a bound of their own.
    private void Evict(FeedRecord oldest)
    {
        if (!oldest.IsData && _keptControls.Count < MaxKeptControls)
        {
            _keptControls.Add(oldest);
        }
        else if (!oldest.FromHistory)
        {
            // History older than the timeline can hold was never live here: it is not "the view fell behind".
            _droppedWaiting[oldest.Feed] = _droppedWaiting.GetValueOrDefault(oldest.Feed) + 1;
        }
    }

    /// <summary>Adds the dashboard's own note to the timeline, e.g. that a feed resumed after a lost connection.</summary>
    public void Note(string feed, string message) =>
        Enqueue(new FeedRecord(feed, 0, timeProvider.GetUtcNow(), JsonSerializer.SerializeToElement(new NoteData(message), NoteJson)) { Type = "note" });

    /// <summary>Moves what arrived since the last call into the view. Returns whether anything visible changed.</summary>
    public bool Apply()
    {
        List<FeedRecord> batch;
        Dictionary<string, long>? dropped = null;
        lock (_gate)
        {
            batch = [.. _keptControls, .. _pending];
            _keptControls.Clear();
            _pending = new Queue<FeedRecord>();
            if (_droppedWaiting.Count > 0)
            {
                dropped = new Dictionary<string, long>(_droppedWaiting, StringComparer.Ordinal);
                _droppedWaiting.Clear();
            }
        }

        // History is not arriving now: it does not count in the rate.
        var changed = UpdateRate(batch.Count(r => r.IsData && !r.FromHistory));
        foreach (var (feed, count) in dropped ?? [])
        {
            if (_cards.TryGetValue(feed, out var card))
            {
                card.DroppedInView += count;
            }
        }

        // One record that cannot be shown takes its row, not the rest of the batch: the others are shown, and the
        // failure goes on to the caller (which logs it) once the batch is in.
        Exception? failure = null;
        foreach (var record in batch)
        {
            try
            {
                Show(record);
            }
#pragma warning disable CA1031 // Rethrown below, after the rest of the batch.
            catch (Exception unshown)
#pragma warning restore CA1031
            {
                failure ??= unshown;
                AddRow(new TimelineEntry(++_nextId, record.Timestamp, record.Feed, record.Sequence, "This record could not be shown.", TimelineKind.Error) { Record = record });
            }
        }

        var published = PublishCharts();
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return published || changed || batch.Count > 0 || dropped is not null;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _pending.Clear();
            _keptControls.Clear();
            _droppedWaiting.Clear();
        }

        _timeline.Clear();
        foreach (var card in _cards.Values)
        {
            card.Clear();
        }

        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _lastItemAtTicks, 0);
        _recent.Clear();
        _recentCount = 0;
        ItemsPerSecond = 0;
        _chartsWaiting = false;
    }

    private void Show(FeedRecord record)
    {
        var kind = KindOf(record);
        _cards.TryGetValue(record.Feed, out var card);
        string summary;
        if (kind == TimelineKind.Data)
        {
            summary = FeedPresenter.Describe(card?.Feed.Kind ?? "", record.Data);
            card?.Add(record, summary);
            _chartsWaiting |= card?.IsCharted == true;
        }
        else
        {
            summary = RecordWords.Describe(record);
            card?.Note(record, kind);
        }

        AddRow(new TimelineEntry(++_nextId, record.Timestamp, record.Feed, record.Sequence, summary, kind) { Record = record, FromHistory = record.FromHistory });
    }

    private void AddRow(TimelineEntry entry)
    {
        _timeline.AddFirst(entry);
        if (_timeline.Count > timelineCapacity)
        {
            _timeline.RemoveLast();
        }
    }

    private static TimelineKind KindOf(FeedRecord record) => record.Type switch
    {
        null => TimelineKind.Data,
        "gap" => TimelineKind.Gap,
        "reset" => TimelineKind.Reset,
        "error" => TimelineKind.Error,
        "status" => TimelineKind.Status,
        "engine" => TimelineKind.Engine,
        "shutdown" => TimelineKind.Shutdown,
        "end" => TimelineKind.End,
        _ => TimelineKind.Note,
    };

    private bool PublishCharts()
    {
        var now = timeProvider.GetUtcNow();
        if (now - _lastChartPublish < ChartInterval)
        {
            return false;
        }

        _lastChartPublish = now;
        _chartsWaiting = false;
        var changed = false;
        foreach (var card in _cardList)
        {
            changed |= card.PublishSeries(TimeZone, ChartWindow, now);
        }

        return changed;
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

    private sealed record NoteData(string Message);

    private static readonly JsonSerializerOptions NoteJson = new(JsonSerializerDefaults.Web);
}
