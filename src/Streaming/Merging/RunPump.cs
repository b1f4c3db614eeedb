using Tributary.Streaming.Internal;
using Tributary.Streaming.Producers;

namespace Tributary.Streaming.Merging;

/// <summary>
/// Copies one feed into a merge's channel in runs: while the feed has items ready (its <c>MoveNextAsync</c>
/// completes at once) they are gathered, up to a maximum; the moment it has to wait, what was gathered is
/// written first, so no item is ever held back while its feed is idle.
/// </summary>
internal static class RunPump
{
    public static async Task CopyAsync<T>(IAsyncEnumerable<T> source, ProducerWriter<ItemRun<T>> writer, int maxRun, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var enumerator = source.GetAsyncEnumerator(stop.Token);
        Task<bool>? outstanding = null;
        var run = new T[maxRun];
        var count = 0;
        try
        {
            while (true)
            {
                bool hasItem;
                try
                {
                    var next = enumerator.MoveNextAsync();
                    if (next.IsCompleted || count == 0)
                    {
                        hasItem = await next.ConfigureAwait(false);
                    }
                    else
                    {
                        outstanding = next.AsTask();
                        await writer.WriteAsync(new ItemRun<T>(run, count), cancellationToken).ConfigureAwait(false);
                        (run, count) = (new T[maxRun], 0);
                        hasItem = await outstanding.ConfigureAwait(false);
                        outstanding = null;
                    }
                }
                catch (Exception) when (count > 0 && !cancellationToken.IsCancellationRequested)
                {
                    // The feed failed: the items it produced before failing still reach the consumer, ahead of the failure.
                    await writer.WriteAsync(new ItemRun<T>(run, count), cancellationToken).ConfigureAwait(false);
                    count = 0;
                    throw;
                }

                if (!hasItem)
                {
                    break;
                }

                run[count++] = enumerator.Current;
                if (count == maxRun)
                {
                    await writer.WriteAsync(new ItemRun<T>(run, count), cancellationToken).ConfigureAwait(false);
                    (run, count) = (new T[maxRun], 0);
                }
            }

            if (count > 0)
            {
                await writer.WriteAsync(new ItemRun<T>(run, count), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await AsyncEnumeratorRelease.ReleaseAsync(enumerator, outstanding, stop).ConfigureAwait(false);
        }
    }
}
