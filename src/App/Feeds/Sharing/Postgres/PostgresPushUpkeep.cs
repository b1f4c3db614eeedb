namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// Keeps push feeds' tables within their bounds on every instance, whether or not anyone reads them: a push feed has
/// no producer to trim its log, and SQL publishers never do. Every <c>Sharing:Postgres:TrimInterval</c> it trims each
/// push feed's log to its history and forgets ids and idempotency keys past their window; the deletes are idempotent,
/// so instances doing it at once only repeat each other.
/// </summary>
internal sealed class PostgresPushUpkeep(PostgresFeedContext context, PostgresPublisher publisher, IReadOnlyList<FeedDefinition> pushFeeds)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await RetryWithBackoff.RunAsync(
                async (_, token) =>
                {
                    await TidyAsync(token);
                    return true;
                },
                // Any failure (a replica in read-only mode, a deadlock, a revoked grant) is tried again later: upkeep
                // must never end the engine's task group, which every feed's run shares.
                _ => true,
                (failure, delay) => PostgresEngineLog.UpkeepUnavailable(context.Logger, context.Database.Where, PostgresFailure.Reason(failure), (long)delay.TotalMilliseconds),
                context.Options.ReconnectMaxDelay,
                context.Time,
                cancellationToken);
            await Task.Delay(context.Options.TrimInterval, context.Time, cancellationToken);
        }
    }

    private async Task TidyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await context.Database.Source.OpenConnectionAsync(cancellationToken);
        foreach (var feed in pushFeeds)
        {
            var head = await context.Log.OpenFeedAsync(feed.Name, cancellationToken);
            // Bounded statements, so trimming a long backlog never holds the log for long.
            while (await context.Log.TrimAsync(connection, feed, head.LastSequence, context.Options.TrimBatchSize, cancellationToken) == context.Options.TrimBatchSize)
            {
            }
        }

        await publisher.ForgetExpiredAsync(context.Options.TrimBatchSize, cancellationToken);
    }
}
