using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// Reads one app's <c>Tributary</c> meter as <c>dotnet-counters</c> would: a <see cref="MeterListener"/> on the meter the
/// app's own <see cref="IMeterFactory"/> created (other apps in this process have theirs), keeping every recorded
/// measurement, and observing the observable instruments on demand.
/// </summary>
internal sealed class MeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string Tags)> _recorded = new();
    private readonly ConcurrentDictionary<(string Instrument, string Tags), double> _observed = new();
    private volatile bool _observing;

    public MeterReader(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Tributary" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<string> Instruments { get; private set; } = [];

    /// <summary>Measurements recorded as they happened (histograms), with their tags as <c>key=value,…</c>.</summary>
    public IEnumerable<(string Instrument, double Value, string Tags)> Recorded => _recorded;

    /// <summary>Asks every observable instrument for its value now.</summary>
    public IReadOnlyDictionary<(string Instrument, string Tags), double> Observe()
    {
        _observed.Clear();
        _observing = true;
        try
        {
            _listener.RecordObservableInstruments();
        }
        finally
        {
            _observing = false;
        }

        return new Dictionary<(string, string), double>(_observed);
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = string.Join(",", tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
        if (_observing && instrument.IsObservable)
        {
            _observed[(instrument.Name, key)] = value;
        }
        else
        {
            _recorded.Enqueue((instrument.Name, value, key));
        }
    }
}
