using System.Collections.Concurrent;
using Tributary.Streaming.Diagnostics;

namespace Tributary.App.Feeds.Diagnostics;

/// <summary>
/// The app's live counters: streams open now, producers running now (fed by every scoped producer the app
/// opens), and items sent, overall and per endpoint. Read by <c>GET /api/stats</c> and the <c>system</c> feed.
/// </summary>
public sealed class StreamStats
{
    private readonly ConcurrentDictionary<string, EndpointCounters> _endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SharedFeedCounters> _sharedFeeds = new(StringComparer.Ordinal);
    private long _itemsSent;

    public ActivityGauge ActiveStreams { get; } = new();

    public ActivityGauge ActiveProducers { get; } = new();

    /// <summary>Live Blazor circuits (open dashboard tabs, plus disconnected ones still retained).</summary>
    public ActivityGauge ActiveCircuits { get; } = new();

    public long ItemsSent => Interlocked.Read(ref _itemsSent);

    /// <summary>The engine shared feeds live in: <c>memory</c> or <c>postgres</c>.</summary>
    public string Engine { get; set; } = "memory";

    /// <summary>Shared feeds' producers running now (one per shared feed, whatever the number of readers).</summary>
    public ActivityGauge SharedProducers { get; } = new();

    /// <summary>The live counters of one shared feed, created on first use.</summary>
    public SharedFeedCounters SharedFeed(string name) => _sharedFeeds.GetOrAdd(name, _ => new SharedFeedCounters());

    /// <summary>The streams open now on one endpoint (for example <c>/hubs/feeds</c>).</summary>
    public ActivityGauge ActiveStreamsOf(string endpoint) => _endpoints.GetOrAdd(endpoint, _ => new EndpointCounters()).Active;

    /// <summary>Counts a stream as open until the returned activity is disposed.</summary>
    public StreamActivity BeginStream(string endpoint)
    {
        var counters = _endpoints.GetOrAdd(endpoint, _ => new EndpointCounters());
        ActiveStreams.Increment();
        counters.Active.Increment();
        Interlocked.Increment(ref counters.Total);
        return new StreamActivity(this, counters);
    }

    public StreamStatsSnapshot Snapshot() => new(
        Engine,
        ActiveStreams.Current,
        ActiveProducers.Current,
        ActiveCircuits.Current,
        SharedProducers.Current,
        ItemsSent,
        _endpoints.ToDictionary(
            e => e.Key,
            e => new EndpointStatsSnapshot(e.Value.Active.Current, Interlocked.Read(ref e.Value.Total), Interlocked.Read(ref e.Value.ItemsSent)),
            StringComparer.Ordinal),
        _sharedFeeds.ToDictionary(f => f.Key, f => f.Value.Snapshot(), StringComparer.Ordinal));

    /// <summary>One open stream. Dispose it when the stream ends.</summary>
    public sealed class StreamActivity : IDisposable
    {
        private readonly StreamStats _stats;
        private readonly EndpointCounters _counters;
        private int _disposed;

        internal StreamActivity(StreamStats stats, EndpointCounters counters)
        {
            _stats = stats;
            _counters = counters;
        }

        public void ItemSent()
        {
            Interlocked.Increment(ref _stats._itemsSent);
            Interlocked.Increment(ref _counters.ItemsSent);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _stats.ActiveStreams.Decrement();
                _counters.Active.Decrement();
            }
        }
    }

    internal sealed class EndpointCounters
    {
        public readonly ActivityGauge Active = new();
#pragma warning disable CA1051, SA1401 // Fields, so Interlocked can update them in place.
        public long Total;
        public long ItemsSent;
#pragma warning restore CA1051, SA1401
    }
}
