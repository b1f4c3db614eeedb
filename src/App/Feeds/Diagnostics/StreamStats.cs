using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Streaming.Diagnostics;

namespace Tributary.App.Feeds.Diagnostics;

/// <summary>
/// The app's live counters: streams open now, producers running now (fed by every scoped producer the app
/// opens), and what each endpoint delivered. The one source of truth for <c>GET /api/stats</c>, the <c>system</c>
/// feed and the <c>Tributary</c> meter (<see cref="TributaryMeter"/>), which reads these same numbers.
/// </summary>
public sealed class StreamStats
{
    private readonly ConcurrentDictionary<string, EndpointCounters> _endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SharedFeedCounters> _sharedFeeds = new(StringComparer.Ordinal);
    private readonly TributaryMeter? _meter;
    private readonly ILogger _streamLogger;
    private long _itemsSent;

    /// <param name="meterFactory">Creates the <c>Tributary</c> meter; none in tests that only count.</param>
    /// <param name="loggers">For the stream opened/closed events; none logs nothing.</param>
    public StreamStats(IMeterFactory? meterFactory = null, ILoggerFactory? loggers = null)
    {
        _streamLogger = loggers?.CreateLogger(StreamLog.Category) ?? NullLogger.Instance;
        _meter = meterFactory is null ? null : new TributaryMeter(meterFactory, this);
    }

    public ActivityGauge ActiveStreams { get; } = new();

    public ActivityGauge ActiveProducers { get; } = new();

    /// <summary>Live Blazor circuits (open dashboard tabs, plus disconnected ones still retained).</summary>
    public ActivityGauge ActiveCircuits { get; } = new();

    public long ItemsSent => Interlocked.Read(ref _itemsSent);

    /// <summary>The engine shared feeds live in: <c>memory</c> or <c>postgres</c>.</summary>
    public string Engine { get; set; } = "memory";

    /// <summary>This server process, <c>host-pid</c>.</summary>
    public string Instance { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Shared feeds' producers running now (one per shared feed, whatever the number of readers).</summary>
    public ActivityGauge SharedProducers { get; } = new();

    /// <summary>The live counters of one shared feed, created on first use.</summary>
    public SharedFeedCounters SharedFeed(string name) => _sharedFeeds.GetOrAdd(name, _ => new SharedFeedCounters());

    /// <summary>The streams open now on one endpoint (for example <c>/hubs/feeds</c>).</summary>
    public ActivityGauge ActiveStreamsOf(string endpoint) => Endpoint(endpoint).Active;

    /// <summary>Counts a stream as open, and logs it, until the returned activity is disposed.</summary>
    /// <param name="endpoint">Where the stream is served, such as <c>/api/stream</c>.</param>
    /// <param name="client">Who it counts against (<c>StreamClient.Of</c>): a principal's name or an address, never a credential.</param>
    /// <param name="feeds">The feeds it merges, for the log.</param>
    public StreamActivity BeginStream(string endpoint, string client = "", IEnumerable<FeedDefinition>? feeds = null)
    {
        var counters = Endpoint(endpoint);
        ActiveStreams.Increment();
        counters.Active.Increment();
        Interlocked.Increment(ref counters.Total);
        return new StreamActivity(this, counters, _streamLogger, client, feeds);
    }

    public StreamStatsSnapshot Snapshot() => new(
        Engine,
        Instance,
        ActiveStreams.Current,
        ActiveProducers.Current,
        ActiveCircuits.Current,
        SharedProducers.Current,
        ItemsSent,
        _endpoints.ToDictionary(e => e.Key, e => e.Value.Snapshot(), StringComparer.Ordinal),
        SharedFeeds());

    internal IEnumerable<(string Feed, Sharing.FeedState State)> SharedFeedStates() =>
        _sharedFeeds.Select(f => (f.Key, f.Value.State));

    internal IReadOnlyDictionary<string, SharedFeedSnapshot> SharedFeeds() =>
        _sharedFeeds.ToDictionary(f => f.Key, f => f.Value.Snapshot(), StringComparer.Ordinal);

    internal IEnumerable<EndpointCounters> Endpoints => _endpoints.Values;

    /// <summary>Counts bytes written on an endpoint whose writer has no stream at hand (the hub's JSON protocol).</summary>
    public Action<long> BytesCounterOf(string endpoint)
    {
        var counters = Endpoint(endpoint);
        return bytes => Interlocked.Add(ref counters.Bytes, bytes);
    }

    internal void CountItems(EndpointCounters counters, long items)
    {
        Interlocked.Add(ref _itemsSent, items);
        Interlocked.Add(ref counters.ItemsSent, items);
    }

    internal void RecordFirstItem(string endpoint, TimeSpan elapsed) => _meter?.RecordFirstItem(endpoint, elapsed);

    internal void RecordTeardown(string endpoint, TimeSpan elapsed) => _meter?.RecordTeardown(endpoint, elapsed);

    private EndpointCounters Endpoint(string endpoint) => _endpoints.GetOrAdd(endpoint, static name => new EndpointCounters(name));
}
