using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Tributary.App.Operations;

/// <summary>
/// The <c>Tributary</c> meter in the Prometheus text format (0.0.4), for <c>GET /metrics</c>. A <see cref="MeterListener"/>
/// on the meter this app's <see cref="IMeterFactory"/> made: observable instruments are asked for their values at each
/// scrape; counters and histograms recorded as they happen are summed here. Where the OpenTelemetry Prometheus exporter
/// is available, it can replace this file: the meter and its instrument names stay the same.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Buckets for a histogram that advises none.
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly Dictionary<Instrument, Family> _families = [];

    // Monitor, not Lock: a scrape holds it while RecordObservableInstruments calls back into Record on the same thread.
    private readonly object _gate = new();

    public PrometheusExporter(IMeterFactory meterFactory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Feeds.Diagnostics.TributaryMeter.Name && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                lock (_gate)
                {
                    _families[instrument] = new Family(instrument);
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every instrument's current values, as Prometheus reads them.</summary>
    public string Scrape()
    {
        var text = new StringBuilder();
        lock (_gate)
        {
            foreach (var family in _families.Values.Where(f => f.Instrument.IsObservable))
            {
                family.Series.Clear();
            }

            _listener.RecordObservableInstruments();
            foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                family.WriteTo(text);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        lock (_gate)
        {
            if (_families.TryGetValue(instrument, out var family))
            {
                family.Record(labels, value);
            }
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }

        var pairs = tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => $"{Sanitize(t.Key)}=\"{Escape(Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "")}\"");
        return string.Join(",", pairs);
    }

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string With(string labels, string extra) => labels.Length == 0 ? $"{{{extra}}}" : $"{{{labels},{extra}}}";

    /// <summary>One instrument: its Prometheus name and type, and a value (or histogram) per label set.</summary>
    private sealed class Family
    {
        public Family(Instrument instrument)
        {
            Instrument = instrument;
            Kind = instrument switch
            {
                Histogram<double> or Histogram<long> => "histogram",
                Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => "counter",
                _ => "gauge",
            };
            Buckets = instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { } advised } ? [.. advised] : DefaultBuckets;
            Name = PrometheusName(instrument, Kind);
        }

        public Instrument Instrument { get; }

        public string Kind { get; }

        public string Name { get; }

        public double[] Buckets { get; }

        public Dictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);

        public void Record(string labels, double value)
        {
            if (!Series.TryGetValue(labels, out var series))
            {
                series = new Series(Buckets.Length);
                Series[labels] = series;
            }

            if (Kind == "histogram")
            {
                series.Observe(value, Buckets);
            }
            else if (Instrument.IsObservable)
            {
                // Observable instruments report their current total (or level), not an increment.
                series.Value = value;
            }
            else
            {
                series.Value += value;
            }
        }

        public void WriteTo(StringBuilder text)
        {
            if (Instrument.Description is { Length: > 0 } description)
            {
                text.Append("# HELP ").Append(Name).Append(' ').Append(description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(Name).Append(' ').Append(Kind).Append('\n');
            foreach (var (labels, series) in Series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                if (Kind == "histogram")
                {
                    WriteHistogram(text, labels, series);
                }
                else
                {
                    text.Append(Name).Append(labels.Length == 0 ? "" : $"{{{labels}}}").Append(' ').Append(Number(series.Value)).Append('\n');
                }
            }
        }

        private void WriteHistogram(StringBuilder text, string labels, Series series)
        {
            long cumulative = 0;
            for (var i = 0; i < Buckets.Length; i++)
            {
                cumulative += series.Counts[i];
                text.Append(Name).Append("_bucket").Append(With(labels, $"le=\"{Number(Buckets[i])}\"")).Append(' ').Append(cumulative).Append('\n');
            }

            text.Append(Name).Append("_bucket").Append(With(labels, "le=\"+Inf\"")).Append(' ').Append(series.Count).Append('\n');
            var plain = labels.Length == 0 ? "" : $"{{{labels}}}";
            text.Append(Name).Append("_sum").Append(plain).Append(' ').Append(Number(series.Value)).Append('\n');
            text.Append(Name).Append("_count").Append(plain).Append(' ').Append(series.Count).Append('\n');
        }

        // OpenTelemetry's naming for Prometheus: dots become underscores, the unit is a suffix, counters end in _total.
        private static string PrometheusName(Instrument instrument, string kind)
        {
            var name = Sanitize(instrument.Name);
            var unit = instrument.Unit switch
            {
                "s" => "seconds",
                "ms" => "milliseconds",
                "By" => "bytes",
                _ => null,
            };
            if (unit is not null && !name.Split('_').Contains(unit, StringComparer.Ordinal))
            {
                name += "_" + unit;
            }

            return kind == "counter" ? name + "_total" : name;
        }
    }

    private sealed class Series(int buckets)
    {
        /// <summary>The counter's total or the gauge's level; for a histogram, the sum of what it observed.</summary>
        public double Value { get; set; }

        public long Count { get; private set; }

        public long[] Counts { get; } = new long[buckets];

        public void Observe(double value, double[] bounds)
        {
            var bucket = Array.FindIndex(bounds, bound => value <= bound);
            if (bucket >= 0)
            {
                Counts[bucket]++;
            }

            Value += value;
            Count++;
        }
    }
}
