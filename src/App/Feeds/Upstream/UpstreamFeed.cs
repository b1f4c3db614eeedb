using System.Diagnostics;
using System.Runtime.CompilerServices;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Streaming.Producers;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// Runs an upstream session again and again: connect, read until the peer goes away, fails or stalls,
/// report it, wait with backoff, reconnect. The loop runs as the only producer of its own scoped producer, so
/// a cancel (the last reader gone, or the server stopping) stops it and closes its socket or file before the
/// feed's enumeration ends.
/// </summary>
internal static class UpstreamFeed
{
    /// <param name="connection">Emits items and status.</param>
    /// <param name="cancellationToken">Cancelled when the feed stops or the session's watch expires.</param>
    public delegate Task Session(UpstreamConnection connection, CancellationToken cancellationToken);

    public static async IAsyncEnumerable<object> RunAsync(
        FeedDefinition feed,
        Session session,
        string? resumeAfter,
        SharedFeedCounters counters,
        TimeProvider timeProvider,
        ILogger logger,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var scope = new ScopedProducer<object>(cancellationToken);
        scope.Start((writer, token) => new Loop(feed, session, resumeAfter, writer, counters, timeProvider, logger).RunAsync(token));
        await foreach (var item in scope.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }

    private sealed class Loop(
        FeedDefinition feed,
        Session session,
        string? resumeAfter,
        ProducerWriter<object> writer,
        SharedFeedCounters counters,
        TimeProvider timeProvider,
        ILogger logger)
    {
        private readonly ReconnectBackoff _backoff = new(feed.ReconnectMinDelay, feed.ReconnectMaxDelay, new Random(Random.Shared.Next()));
        private readonly UpstreamStatusGate _gate = new(timeProvider);

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var connection = new UpstreamConnection(feed, writer, counters, _gate, timeProvider, logger, cancellationToken)
            {
                Position = feed.ResumesWithoutLoss ? SourcePosition.Read(feed, resumeAfter) : null,
            };
            while (true)
            {
                var (status, reason, failure) = await RunSessionAsync(connection, cancellationToken);
                if (connection.WasHealthy())
                {
                    _backoff.Reset();
                }

                var delay = _backoff.Next();
                if (connection.RequestedRetry is { } requested && requested > delay)
                {
                    delay = requested;
                }

                counters.AddReconnect();
                await ReportAsync(status, reason, failure, delay, cancellationToken);
                await Task.Delay(delay, timeProvider, cancellationToken);
            }
        }

        private async Task<(string Status, string Reason, Exception? Failure)> RunSessionAsync(UpstreamConnection connection, CancellationToken cancellationToken)
        {
            using var watch = new SessionWatch(feed, timeProvider, cancellationToken);
            using var attempt = StartAttempt();
            connection.Begin(watch, attempt);
            try
            {
                await session(connection, watch.Token);
                return Ended(attempt, UpstreamStatus.Disconnected, "the upstream ended the stream", null);
            }
            // Whatever a session throws once the feed is stopping (a socket torn down under it) is that stop.
            catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
            {
                var status = failure switch
                {
                    _ when watch.Stalled => UpstreamStatus.Stalled,
                    UpstreamRedirectException => UpstreamStatus.Redirected,
                    _ => UpstreamStatus.Disconnected,
                };
                return Ended(attempt, status, UpstreamFailure.Describe(failure, feed, watch), failure);
            }
            catch (Exception stopped) when (cancellationToken.IsCancellationRequested)
            {
                // The feed stopped (its last reader left, or the server is stopping) while this attempt ran: not a failure,
                // whatever the client made of it (MQTTnet fails a cancelled connect as a connecting failure).
                attempt?.SetTag("tributary.upstream.status", "stopped");
                if (stopped is OperationCanceledException)
                {
                    throw;
                }

                throw new OperationCanceledException("The feed stopped while its upstream session ran.", stopped, cancellationToken);
            }
        }

        // One span per attempt, from dialling to the session's end; its HTTP request is a child. Named by the kind,
        // tagged with the address as readers see it: never a credential.
        private Activity? StartAttempt()
        {
            var attempt = TributaryTracing.Source.StartActivity("upstream " + feed.Kind.ToString().ToLowerInvariant());
            if (attempt is { IsAllDataRequested: true })
            {
                attempt.SetTag("tributary.feed", feed.Name);
                attempt.SetTag("tributary.upstream.address", UpstreamAddress.Display(feed));
                attempt.SetTag("tributary.upstream.attempt", _backoff.Attempt + 1);
            }

            return attempt;
        }

        private static (string Status, string Reason, Exception? Failure) Ended(Activity? attempt, string status, string reason, Exception? failure)
        {
            attempt?.SetTag("tributary.upstream.status", status);
            if (failure is not null)
            {
                attempt?.SetStatus(ActivityStatusCode.Error, reason);
            }

            return (status, reason, failure);
        }

        private async Task ReportAsync(string status, string reason, Exception? failure, TimeSpan delay, CancellationToken cancellationToken)
        {
            var address = UpstreamAddress.Display(feed);
            if (_gate.Down(status, reason) is { } down)
            {
                UpstreamLog.SessionEnded(logger, feed.Name, address, reason, failure);
                await writer.WriteAsync(down, cancellationToken);
            }
            else
            {
                UpstreamLog.AttemptFailed(logger, feed.Name, address, _backoff.Attempt, reason, failure);
            }

            if (_gate.Reconnecting(_backoff.Attempt, delay) is { } reconnecting)
            {
                await writer.WriteAsync(reconnecting, cancellationToken);
            }
        }
    }
}
