
namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// A run's reader of the feed's log: reads the feed's head, then the rows after its position whenever it is
/// woken (or polls), and hands them to the feed's readers. While the database is unavailable it tells the
/// readers once, retries with backoff, and when it is back tells them again and reads on from where it was
/// (a <c>reset</c> where rows were trimmed meanwhile or the log started over).
/// </summary>
internal sealed class PostgresFeedTail(PostgresSharedFeed owner, SharedFeedRun run, PostgresFeedStore store, PostgresFeedContext context, FeedDefinition feed)
{
    private bool _started;
    private bool _unavailable;

    /// <summary>Reads until cancelled or a row ends the source; returns the failure that ends the readers, if any.</summary>
    public Task<Exception?> RunAsync(CancellationToken cancellationToken) =>
        // Any failure short of our own cancellation is retried: one bad moment must not end the engine (and the
        // database's errors are the usual cause). The readers are told once, and again when it is back.
        RetryWithBackoff.RunAsync(ReadAsync, isRetryable: _ => true, OnUnavailable, context.Options.ReconnectMaxDelay, context.Time, cancellationToken);

    private async Task<Exception?> ReadAsync(Action progressed, CancellationToken cancellationToken)
    {
        await CatchUpAfterOutageAsync(cancellationToken);
        while (true)
        {
            var position = owner.Position();
            var entries = await store.ReadAfterAsync(position.Sequence, long.MaxValue, store.PageSize, cancellationToken);
            var (ended, failure) = owner.Deliver(run, entries);
            if (ended)
            {
                return failure;
            }

            progressed();
            if (entries.Count < store.PageSize)
            {
                await owner.WaitForWakeAsync(cancellationToken);
            }
        }
    }

    private void OnUnavailable(Exception failure, TimeSpan delay)
    {
        if (!_unavailable)
        {
            _unavailable = true;
            owner.Announce(run, available: false);
        }

        PostgresEngineLog.Unavailable(context.Logger, context.Database.Where, feed.Name, PostgresFailure.Reason(failure), (long)delay.TotalMilliseconds);
    }

    // First the feed's head (where the run's readers start); after an outage, the head again, to notice a
    // log that started over.
    private async Task CatchUpAfterOutageAsync(CancellationToken cancellationToken)
    {
        if (_started && !_unavailable)
        {
            return;
        }

        var head = await store.HeadAsync(cancellationToken);
        if (!_started)
        {
            owner.Ready(run, head);
            _started = true;
        }
        else if (!string.Equals(head.Epoch, owner.Position().Epoch, StringComparison.Ordinal))
        {
            owner.StartedOver(run, head);
        }

        if (_unavailable)
        {
            _unavailable = false;
            owner.Announce(run, available: true);
            PostgresEngineLog.Recovered(context.Logger, context.Database.Where, feed.Name);
        }
    }
}
