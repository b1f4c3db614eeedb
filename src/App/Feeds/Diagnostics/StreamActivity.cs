using System.Diagnostics;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Diagnostics;

/// <summary>
/// One open stream, from <see cref="StreamStats.BeginStream"/> until it is disposed: counted as active, its deliveries
/// added to its endpoint's totals, its time to first item and (when its client leaves) its teardown time measured,
/// its opening and closing logged once, with why it closed, and, when traced, one span from admission to that end.
/// </summary>
/// <remarks>
/// Deliveries are reported by the one loop that writes the stream; only the counters it adds to are shared. Items are
/// counted here and added to those shared totals once per written batch (<see cref="Wrote"/>): with thousands of
/// streams on two cores, two shared increments per item were a visible share of a delivery's cost (measured in
/// docs/PERFORMANCE.md).
/// </remarks>
public sealed class StreamActivity : IDisposable
{
    private readonly StreamStats _stats;
    private readonly EndpointCounters _counters;
    private readonly ILogger _logger;
    private readonly string _client;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly Activity? _span;
    private CancellationTokenRegistration _clientWatch;
    private long _clientLeftAt;
    private long _items;
    private long _unreported;
    // -1 until a transport reports bytes for this stream (the hub counts its bytes per endpoint only).
    private long _bytes = -1;
    private StreamEndReason? _reason;
    private int _disposed;

    internal StreamActivity(StreamStats stats, EndpointCounters counters, ILogger logger, string client, IEnumerable<FeedDefinition>? feeds)
    {
        _stats = stats;
        _counters = counters;
        _logger = logger;
        _client = client;
        // Current from here on: what the stream starts (its producers, their database commands) is part of its trace.
        _span = TributaryTracing.Source.StartActivity(counters.SpanName);
        if (_span is { IsAllDataRequested: true })
        {
            _span.SetTag("tributary.endpoint", counters.Endpoint);
            _span.SetTag("tributary.client", client);
            _span.SetTag("tributary.feeds", feeds is null ? "" : string.Join(",", feeds.Select(f => f.Name)));
        }

        // Opened is Debug (closed says it all at Information); the names are joined only when it is written.
        if (logger.IsEnabled(LogLevel.Debug))
        {
            StreamLog.Opened(logger, counters.Endpoint, client, feeds is null ? "" : string.Join(",", feeds.Select(f => f.Name)));
        }
    }

    /// <summary>Data items delivered so far (control records not included).</summary>
    public long Items => _items;

    /// <summary>
    /// Starts the teardown clock when <paramref name="clientGone"/> fires (the request aborted, the hub invocation
    /// cancelled): the time from then until this activity is disposed, after the stream's producers have stopped, is
    /// recorded as the stream's teardown time.
    /// </summary>
    public void EndsWhen(CancellationToken clientGone) =>
        _clientWatch = clientGone.UnsafeRegister(static state => ((StreamActivity)state!).MarkClientGone(), this);

    /// <summary>
    /// Counts one record written to the client: an item of data, or a gap or reset record. Data items reach the shared
    /// totals with the batch that carries them (<see cref="Wrote"/>), or with <see cref="ReportDelivered"/>.
    /// </summary>
    public void Delivered(object? data)
    {
        if (data is FeedControl control)
        {
            _counters.CountControl(control.Kind);
            return;
        }

        if (_items++ == 0)
        {
            _stats.RecordFirstItem(_counters.Endpoint, Stopwatch.GetElapsedTime(_startedAt));
        }

        _unreported++;
    }

    /// <summary>Counts bytes of records written to the client (before any content coding), and the items they carry.</summary>
    public void Wrote(int bytes)
    {
        _bytes = Math.Max(_bytes, 0) + bytes;
        Interlocked.Add(ref _counters.Bytes, bytes);
        ReportDelivered();
    }

    /// <summary>Adds the items delivered since the last report to the shared totals (for a transport that writes each item on its own).</summary>
    public void ReportDelivered()
    {
        if (_unreported > 0)
        {
            _stats.CountItems(_counters, _unreported);
            _unreported = 0;
        }
    }

    /// <summary>
    /// Says why the stream ended, for its closing log event. Unset, the client left if it did, and otherwise the stream
    /// failed: an ending nobody named is an exception on its way out.
    /// </summary>
    public void End(StreamEndReason reason) => _reason = reason;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _clientWatch.Dispose();
        ReportDelivered();
        var clientLeftAt = Interlocked.Read(ref _clientLeftAt);
        if (clientLeftAt != 0)
        {
            _stats.RecordTeardown(_counters.Endpoint, Stopwatch.GetElapsedTime(clientLeftAt));
        }

        var reason = _reason ?? (clientLeftAt != 0 ? StreamEndReason.ClientLeft : StreamEndReason.Failed);
        LogClosed(reason);
        EndSpan(reason);

        // Last: whoever waits for the count to fall sees this stream's timing and log already recorded.
        _counters.Active.Decrement();
        _stats.ActiveStreams.Decrement();
    }

    // In the stream's span, wherever the stream ends (a hub stream's later steps run outside it): the closing line
    // carries the stream's trace context.
    private void LogClosed(StreamEndReason reason)
    {
        var current = Activity.Current;
        if (_span is not null)
        {
            Activity.Current = _span;
        }

        try
        {
            StreamLog.Closed(_logger, _counters.Endpoint, _client, _items, (long)Stopwatch.GetElapsedTime(_startedAt).TotalMilliseconds, ReasonName(reason));
        }
        finally
        {
            Activity.Current = current;
        }
    }

    private void EndSpan(StreamEndReason reason)
    {
        if (_span is null)
        {
            return;
        }

        _span.SetTag("tributary.items", _items);
        if (_bytes >= 0)
        {
            _span.SetTag("tributary.bytes", _bytes);
        }

        _span.SetTag("tributary.end_reason", ReasonName(reason));
        if (reason == StreamEndReason.Failed)
        {
            _span.SetStatus(ActivityStatusCode.Error, "the stream failed");
        }

        _span.Dispose();
    }

    private void MarkClientGone() => Interlocked.CompareExchange(ref _clientLeftAt, Stopwatch.GetTimestamp(), 0);

    private static string ReasonName(StreamEndReason reason) => reason switch
    {
        StreamEndReason.Completed => "completed",
        StreamEndReason.ClientLeft => "client-left",
        StreamEndReason.Failed => "failed",
        StreamEndReason.AccessEnded => "access-ended",
        StreamEndReason.ServerStopping => "server-stopping",
        StreamEndReason.MaxDuration => "max-duration",
        _ => reason.ToString(),
    };
}
