using Tributary.App.Feeds.Diagnostics;
using Tributary.Streaming.Producers;

namespace Tributary.App.Feeds.Upstream;

/// <summary>What one upstream session uses to emit items and report on itself.</summary>
internal sealed class UpstreamConnection(FeedDefinition feed, ProducerWriter<object> writer, ReconnectBackoff backoff, SharedFeedCounters counters)
{
    public FeedDefinition Feed { get; } = feed;

    /// <summary>A reconnect delay the upstream asked for (SSE <c>retry:</c>); replaces the backoff's next delay.</summary>
    public TimeSpan? RequestedRetry { get; set; }

    /// <summary>The last SSE event id seen, sent back as <c>Last-Event-ID</c> on reconnect.</summary>
    public string? LastEventId { get; set; }

    public ValueTask EmitAsync(object item, CancellationToken cancellationToken) => writer.WriteAsync(item, cancellationToken);

    public ValueTask ConnectedAsync(string message, CancellationToken cancellationToken)
    {
        backoff.Reset();
        counters.AddUpstreamConnection();
        return EmitAsync(new UpstreamStatus("connected", message), cancellationToken);
    }

    public ValueTask MalformedAsync(string message, CancellationToken cancellationToken) =>
        EmitAsync(new UpstreamStatus("malformed", message), cancellationToken);
}
