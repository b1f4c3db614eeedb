using System.Diagnostics.Metrics;

namespace Tributary.App.Feeds.Diagnostics;

/// <summary>
/// The <c>Tributary</c> meter (<c>dotnet-counters monitor --counters Tributary</c>, <c>/metrics</c>, OTLP). Counts and gauges
/// are observed from <see cref="StreamStats"/> when a listener asks, so the meter and <c>/api/stats</c> can never
/// disagree and nothing is recorded twice on the delivery path; only the two timings are recorded as they happen.
/// </summary>
internal sealed class TributaryMeter
{
    public const string Name = "Tributary";

    // From a tenth of a millisecond (a teardown on an idle server) to ten seconds (a first item behind a slow upstream).
    private static readonly double[] SecondsBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram<double> _timeToFirstItem;
    private readonly Histogram<double> _teardown;

    public TributaryMeter(IMeterFactory factory, StreamStats stats)
    {
        var meter = factory.Create(Name);
        meter.CreateObservableUpDownCounter("tributary.streams.active", () => PerEndpoint(stats, c => c.Active.Current), "{stream}", "Streams open now, per endpoint.");
        meter.CreateObservableUpDownCounter("tributary.producers.active", () => stats.ActiveProducers.Current, "{producer}", "Producers running now: one per feed of every open stream, and one per running shared feed.");
        meter.CreateObservableUpDownCounter("tributary.circuits.active", () => stats.ActiveCircuits.Current, "{circuit}", "Dashboard circuits (browser tabs) live now.");
        meter.CreateObservableUpDownCounter("tributary.shared_feeds.active", () => stats.SharedProducers.Current, "{feed}", "Shared feeds whose producer runs on this instance now.");
        meter.CreateObservableCounter("tributary.items.delivered", () => PerEndpoint(stats, c => Interlocked.Read(ref c.ItemsSent)), "{item}", "Data items delivered to clients, per endpoint.");
        // The unit is not in the name (OpenTelemetry's rule): Prometheus adds it, as tributary_written_bytes_total.
        meter.CreateObservableCounter("tributary.written", () => PerEndpoint(stats, c => Interlocked.Read(ref c.Bytes)), "By", "Bytes of records written to clients before content coding, per endpoint.");
        meter.CreateObservableCounter("tributary.gaps.delivered", () => PerEndpoint(stats, c => Interlocked.Read(ref c.Gaps)), "{record}", "Gap records delivered: items a slow reader missed, or history no longer kept.");
        meter.CreateObservableCounter("tributary.resets.delivered", () => PerEndpoint(stats, c => Interlocked.Read(ref c.Resets)), "{record}", "Reset records delivered: a feed started over.");
        meter.CreateObservableCounter("tributary.upstream.reconnects", () => stats.SharedFeeds().Select(f => new Measurement<long>(f.Value.Reconnects, new KeyValuePair<string, object?>("feed", f.Key))), "{reconnect}", "Upstream reconnect attempts, per feed.");
        _timeToFirstItem = meter.CreateHistogram("tributary.stream.time_to_first_item", "s", "Time from a stream's admission to its first data item.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _teardown = meter.CreateHistogram("tributary.stream.teardown", "s", "Time from a client leaving to its stream's producers having stopped.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
    }

    public void RecordFirstItem(string endpoint, TimeSpan elapsed) => _timeToFirstItem.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("endpoint", endpoint));

    public void RecordTeardown(string endpoint, TimeSpan elapsed) => _teardown.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("endpoint", endpoint));

    private static IEnumerable<Measurement<long>> PerEndpoint(StreamStats stats, Func<EndpointCounters, long> value) =>
        stats.Endpoints.Select(c => new Measurement<long>(value(c), new KeyValuePair<string, object?>("endpoint", c.Endpoint)));
}
