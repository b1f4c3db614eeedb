using Tributary.Streaming.Concurrency;

namespace Tributary.Tests.Unit.Streaming.Concurrency;

public sealed class CancellationFilterTests
{
    [Fact]
    public void A_cancellation_while_the_scopes_token_is_cancelled_is_the_scopes_own()
    {
        using var scope = new CancellationTokenSource();
        scope.Cancel();

        Assert.True(new OperationCanceledException(scope.Token).IsCancellationOf(scope.Token));
        Assert.True(new TaskCanceledException().IsCancellationOf(scope.Token));
    }

    [Fact]
    public void A_cancellation_while_the_scopes_token_is_not_cancelled_is_a_failure()
    {
        // For example an HTTP client's own timeout inside a stream nobody cancelled.
        using var scope = new CancellationTokenSource();

        Assert.False(new TaskCanceledException("timed out").IsCancellationOf(scope.Token));
    }

    [Fact]
    public void Any_other_exception_is_a_failure_even_after_the_scope_was_cancelled()
    {
        using var scope = new CancellationTokenSource();
        scope.Cancel();

        Assert.False(new InvalidOperationException().IsCancellationOf(scope.Token));
    }
}
