using Tributary.Streaming.Concurrency;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// Keeps a shared feed's run going for its <c>Linger</c> after the last reader left, then stops it unless a
/// reader came back. The wait is a child of the host's task group; the run and the linger source are
/// changed only under the feed's lock, as <see cref="SharedFeedRun"/> requires.
/// </summary>
internal static class RunLinger
{
    /// <summary>Called under <paramref name="gate"/> when the run's last reader left.</summary>
    public static void Begin(SharedFeedRun run, TaskGroup host, TimeSpan linger, TimeProvider time, Lock gate)
    {
        var source = run.BeginLinger();
        if (!host.TryStart(token => WaitAsync(run, source, linger, time, gate, token)))
        {
            // The server is stopping: the host cancels the producer itself.
            run.EndLinger(source);
            source.Dispose();
        }
    }

    private static async Task WaitAsync(SharedFeedRun run, CancellationTokenSource linger, TimeSpan delay, TimeProvider time, Lock gate, CancellationToken hostToken)
    {
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(hostToken, linger.Token);
            await Task.Delay(delay, time, wait.Token);
            lock (gate)
            {
                if (run.IsLinger(linger) && run.SubscriberCount == 0)
                {
                    run.Stop();
                }
            }
        }
        catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(hostToken) || cancelled.IsCancellationOf(linger.Token))
        {
            // A new reader arrived, the run ended, or the server is stopping (the host cancels the producer itself).
        }
        finally
        {
            lock (gate)
            {
                run.EndLinger(linger);
            }

            linger.Dispose();
        }
    }
}
