using Tributary.Streaming.Producers;

namespace Tributary.Streaming.Internal;

/// <summary>
/// Copies one feed into a merge's channel in runs: while the feed has items ready (its <c>MoveNextAsync</c>
/// completes at once) they are gathered, up to a maximum; the moment it has to wait, what was gathered is
/// written first, so no item is ever held back while its feed is idle.
/// </summary>
internal static class RunPump
{
    public static async Task CopyAsync<T>(IAsyncEnumerable<T> source, ProducerWriter<ItemRun<T>> writer, int maxRun, CancellationToken cancellationToken)
    {
        // The source was opened with the same token, so the enumerator links nothing, and a call still in
        // flight when the pump leaves is always one this token has cancelled: the writer only throws on it.
        var enumerator = source.GetAsyncEnumerator(cancellationToken);
        Task<bool>? outstanding = null;
        var run = new RunBuilder<T>(maxRun);
        try
        {
            while (true)
            {
                bool hasItem;
                try
                {
                    var next = enumerator.MoveNextAsync();
                    if (next.IsCompleted || run.Count == 0)
                    {
                        hasItem = await next.ConfigureAwait(false);
                    }
                    else
                    {
                        outstanding = next.AsTask();
                        await writer.WriteAsync(run.Take(), cancellationToken).ConfigureAwait(false);
                        hasItem = await outstanding.ConfigureAwait(false);
                        outstanding = null;
                    }
                }
                catch (Exception) when (run.Count > 0 && !cancellationToken.IsCancellationRequested)
                {
                    // The feed failed: the items it produced before failing still reach the consumer, ahead of the failure.
                    await writer.WriteAsync(run.Take(), cancellationToken).ConfigureAwait(false);
                    throw;
                }

                if (!hasItem)
                {
                    break;
                }

                run.Add(enumerator.Current);
                if (run.IsFull)
                {
                    await writer.WriteAsync(run.Take(), cancellationToken).ConfigureAwait(false);
                }
            }

            if (run.Count > 0)
            {
                await writer.WriteAsync(run.Take(), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await AsyncEnumeratorRelease.ReleaseAsync(enumerator, outstanding).ConfigureAwait(false);
        }
    }
}
