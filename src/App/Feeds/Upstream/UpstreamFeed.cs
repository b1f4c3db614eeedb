using System.Runtime.CompilerServices;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Producers;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// Runs an upstream session again and again: connect, read until the peer goes away or fails, report it,
/// wait with backoff, reconnect. The loop runs as the only producer of its own scoped producer, so a
/// cancel (the last reader gone, or the server stopping) stops it and closes its socket or file before the
/// feed's enumeration ends.
/// </summary>
internal static class UpstreamFeed
{
    public delegate Task Session(UpstreamConnection connection, CancellationToken cancellationToken);

    public static async IAsyncEnumerable<object> RunAsync(
        FeedDefinition feed,
        Session session,
        SharedFeedCounters counters,
        TimeProvider timeProvider,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var scope = new ScopedProducer<object>(cancellationToken);
        scope.Start((writer, token) => ReconnectLoopAsync(feed, session, writer, counters, timeProvider, token));
        await foreach (var item in scope.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }

    private static async Task ReconnectLoopAsync(
        FeedDefinition feed,
        Session session,
        ProducerWriter<object> writer,
        SharedFeedCounters counters,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(feed.ReconnectMinDelay, feed.ReconnectMaxDelay, new Random(Random.Shared.Next()));
        var connection = new UpstreamConnection(feed, writer, backoff, counters);
        while (true)
        {
            string reason;
            try
            {
                await session(connection, cancellationToken);
                reason = "the upstream ended the stream";
            }
            catch (Exception failure) when (!failure.IsCancellationOf(cancellationToken))
            {
                reason = failure.Message;
            }

            var delay = connection.RequestedRetry ?? backoff.Next();
            connection.RequestedRetry = null;
            await writer.WriteAsync(new UpstreamStatus("disconnected", reason), cancellationToken);
            await writer.WriteAsync(new UpstreamStatus("reconnecting", $"reconnecting in {delay.TotalMilliseconds:0} ms", Math.Max(1, backoff.Attempt)), cancellationToken);
            await Task.Delay(delay, timeProvider, cancellationToken);
        }
    }
}
