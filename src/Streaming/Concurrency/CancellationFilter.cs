namespace Tributary.Streaming.Concurrency;

/// <summary>
/// Tells a cancellation that a scope asked for apart from everything else. Catch blocks use it as an
/// exception filter: <c>catch (Exception e) when (!e.IsCancellationOf(token))</c> handles real failures and
/// lets the scope's own cancellation through, while an <see cref="OperationCanceledException"/> from
/// elsewhere (a client timeout, say) is still treated as a failure.
/// </summary>
public static class CancellationFilter
{
    /// <summary>Whether <paramref name="exception"/> is a cancellation and <paramref name="token"/> has been cancelled.</summary>
    /// <param name="exception">The exception caught.</param>
    /// <param name="token">The token of the scope doing the catching.</param>
    /// <returns><see langword="true"/> when the exception is the scope's own cancellation: a normal end.</returns>
    public static bool IsCancellationOf(this Exception exception, CancellationToken token) =>
        exception is OperationCanceledException && token.IsCancellationRequested;
}
