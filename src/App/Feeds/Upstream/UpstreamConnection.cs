using System.Diagnostics;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Streaming.Producers;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// What an upstream session uses to emit items and report on itself, and what the reconnect loop learns
/// from it: whether and for how long it was connected, and the retry delay the upstream asked for.
/// </summary>
internal sealed class UpstreamConnection(
    FeedDefinition feed,
    ProducerWriter<object> writer,
    SharedFeedCounters counters,
    UpstreamStatusGate gate,
    TimeProvider timeProvider,
    ILogger logger,
    CancellationToken feedStopping)
{
    private long? _connectedAt;
    private string? _source;

    public FeedDefinition Feed { get; } = feed;

    /// <summary>The watch over the session in progress.</summary>
    public SessionWatch Watch { get; private set; } = null!;

    /// <summary>A reconnect delay the upstream asked for (SSE <c>retry:</c>), held within the feed's reconnect delays.</summary>
    public TimeSpan? RequestedRetry { get; private set; }

    /// <summary>The last SSE event id seen, sent back as <c>Last-Event-ID</c> on reconnect.</summary>
    public string? LastEventId { get; set; }

    /// <summary>
    /// Where the source is: after the last item emitted with a position, or where the feed's last producer left it.
    /// A session that can start from a position (JetStream, a Redis stream) starts after this one when it is set.
    /// </summary>
    public string? Position { get; set; }

    /// <summary>The span of the attempt in progress, when traced.</summary>
    public Activity? Attempt { get; private set; }

    public void Begin(SessionWatch watch, Activity? attempt)
    {
        Watch = watch;
        Attempt = attempt;
        _connectedAt = null;
    }

    /// <summary>Whether the session that just ended connected and stayed up for <see cref="FeedDefinition.BackoffResetAfter"/>.</summary>
    public bool WasHealthy() => _connectedAt is { } at && timeProvider.GetElapsedTime(at) >= Feed.BackoffResetAfter;

    public void RequestRetry(TimeSpan delay) =>
        RequestedRetry = delay < Feed.ReconnectMinDelay ? Feed.ReconnectMinDelay : delay > Feed.ReconnectMaxDelay ? Feed.ReconnectMaxDelay : delay;

    // Emits wait on the feed, not on the session, and the idle clock stops while they wait: a slow reader
    // holding the producer back is not a silent upstream.
    public async ValueTask EmitAsync(object item)
    {
        Watch.Pause();
        await writer.WriteAsync(item, feedStopping);
        Watch.OnBytes();
    }

    /// <summary>Emits a message's data with where the source is once it is kept, and what tells the broker it was.</summary>
    public ValueTask EmitAsync(object data, string? position, Func<ValueTask>? acknowledge = null)
    {
        if (position is not null)
        {
            Position = position;
        }

        var kept = position is null ? null : SourcePosition.Compose(_source ??= SourcePosition.Source(Feed), position);
        return EmitAsync(new SourcedItem(data, kept, acknowledge));
    }

    public ValueTask ConnectedAsync()
    {
        _connectedAt = timeProvider.GetTimestamp();
        Watch.OnConnected();
        gate.Connected();
        counters.AddUpstreamConnection();
        Attempt?.AddEvent(new ActivityEvent("connected"));
        var address = UpstreamAddress.Display(Feed);
        UpstreamLog.Connected(logger, Feed.Name, address);
        return EmitAsync(new UpstreamStatus(UpstreamStatus.Connected, $"connected to {address}"));
    }

    public ValueTask MalformedAsync(string message) => EmitAsync(new UpstreamStatus(UpstreamStatus.Malformed, message));

    /// <summary>
    /// Reports an item that passed <see cref="FeedDefinition.MaxItemBytes"/>, as soon as it did: <paramref name="bytes"/> is
    /// what had been received of it by then (the rest is skipped as it streams past).
    /// </summary>
    /// <param name="what">The item, as readers are told of it.</param>
    /// <param name="bytes">Its size as far as it was received.</param>
    /// <param name="position">For a source with positions, where it is once the item is skipped.</param>
    /// <param name="acknowledge">For a message the broker waits to hear of, what tells it once the report is kept.</param>
    public ValueTask OversizeAsync(string what, long bytes, string? position = null, Func<ValueTask>? acknowledge = null)
    {
        var status = new UpstreamStatus(UpstreamStatus.Oversize, $"{what} passed the most an item may have, {Feed.MaxItemBytes} bytes (MaxItemBytes), at {bytes} bytes, and is skipped") { Bytes = bytes };
        return position is null && acknowledge is null ? EmitAsync(status) : EmitAsync(status, position, acknowledge);
    }
}
