using Tributary.Streaming.Concurrency;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Concurrency;

public sealed partial class TaskGroupTests
{
    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Faulted_child_cancels_siblings_and_leaving_rethrows_that_exact_failure()
    {
        var failure = new InvalidOperationException("boom");
        var siblingCancelled = false;
        var group = new TaskGroup();

        group.Start(async token =>
        {
            await token.WaitUntilCancelledAsync();
            siblingCancelled = true;
        });
        group.Start(_ => throw failure);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => group.DisposeAsync().DefaultTimeout());

        Assert.Same(failure, thrown);
        Assert.True(siblingCancelled);
        Assert.True(group.Token.IsCancellationRequested);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Every_failure_is_recorded_in_order_and_the_first_is_rethrown()
    {
        var first = new InvalidOperationException("first");
        var second = new FormatException("second, while cancelling");
        var group = new TaskGroup();

        // The second child fails only after the first failure has cancelled the group.
        group.Start(async token =>
        {
            await token.WaitUntilCancelledAsync();
            throw second;
        });
        group.Start(_ => throw first);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => group.DisposeAsync().DefaultTimeout());

        Assert.Same(first, thrown);
        Assert.Equal([first, second], group.Failures);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_child_that_throws_synchronously_is_recorded_as_a_failure()
    {
        var failure = new ArgumentException("thrown before any await");
        var group = new TaskGroup();
        group.Start(_ => throw failure);

        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => group.DisposeAsync().DefaultTimeout());

        Assert.Same(failure, thrown);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Only_the_first_DisposeAsync_rethrows_the_failure()
    {
        var group = new TaskGroup();
        group.Start(_ => throw new InvalidOperationException("boom"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => group.DisposeAsync().DefaultTimeout());

        await group.DisposeAsync().DefaultTimeout();
    }
}
