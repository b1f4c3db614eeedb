using Npgsql;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// The instance's one <c>LISTEN</c> connection: each notification names a feed whose log grew, and wakes
/// that feed's reader here. If the connection is lost, readers fall back to polling until it is back, and
/// are all woken then so nothing waits for the next poll.
/// </summary>
internal sealed class PostgresNotifier(PostgresFeedContext context, Action<string> wake, Action wakeAll)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Any failure short of our own cancellation is retried: one bad moment must not end the engine.
            await RetryWithBackoff.RunAsync(
                ListenAsync,
                isRetryable: _ => true,
                onRetry: (failure, _) => PostgresEngineLog.ListenerLost(context.Logger, context.Database.Where, PostgresFailure.Reason(failure)),
                context.Options.ReconnectMaxDelay,
                context.Time,
                cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Stopping: whatever the connection threw meanwhile (terminated under it, say) is part of that stop,
            // not a failure of the engine.
            throw new OperationCanceledException("The listener stopped.", failure, cancellationToken);
        }
    }

    private async Task<bool> ListenAsync(Action progressed, CancellationToken cancellationToken)
    {
        await using var connection = await context.Database.SessionSource.OpenConnectionAsync(cancellationToken);
        connection.Notification += (_, notification) => wake(notification.Payload);
        await using (var listen = new NpgsqlCommand($"listen {context.Log.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        progressed();
        // Rows may have been appended while nobody listened.
        wakeAll();
        while (true)
        {
            await connection.WaitAsync(cancellationToken);
        }
    }
}
