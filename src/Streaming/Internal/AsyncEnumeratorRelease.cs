namespace Tributary.Streaming.Internal;

internal static class AsyncEnumeratorRelease
{
    /// <summary>
    /// Disposes an enumerator whose reader may have left while a <c>MoveNextAsync</c> was still in flight:
    /// an async enumerator cannot be disposed mid-call, so that call is cancelled (through the token the
    /// enumerator was opened with) and allowed to finish first. Its outcome is not observed: the reader has
    /// already left, with its own result.
    /// </summary>
    public static async ValueTask ReleaseAsync<T>(IAsyncEnumerator<T> enumerator, Task<bool>? outstanding, CancellationTokenSource stop)
    {
        if (outstanding is { IsCompleted: false })
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        await ReleaseAsync(enumerator, outstanding).ConfigureAwait(false);
    }

    /// <summary>
    /// Disposes an enumerator after any <c>MoveNextAsync</c> still in flight has finished, for readers that
    /// only ever leave mid-call because the enumerator's own token was cancelled.
    /// </summary>
    public static async ValueTask ReleaseAsync<T>(IAsyncEnumerator<T> enumerator, Task<bool>? outstanding)
    {
        if (outstanding is { IsCompleted: false })
        {
            await Task.WhenAny(outstanding).ConfigureAwait(false);
        }

        await enumerator.DisposeAsync().ConfigureAwait(false);
    }
}
