using Tributary.Streaming.Concurrency;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Concurrency;

public sealed class TaskGroupTests
{
    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Children_receive_the_group_token()
    {
        var seen = TestTimeouts.NewSignal<CancellationToken>();
        var group = new TaskGroup();

        await using (group)
        {
            group.Start(token =>
            {
                seen.SetResult(token);
                return Task.CompletedTask;
            });
        }

        Assert.Equal(group.Token, await seen.Task.DefaultTimeout());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Leaving_the_scope_waits_for_every_child()
    {
        var release = TestTimeouts.NewSignal();
        var finished = 0;
        var group = new TaskGroup();
        for (var i = 0; i < 3; i++)
        {
            group.Start(async _ =>
            {
                await release.Task;
                Interlocked.Increment(ref finished);
            });
        }

        // Act - 1: leaving the scope while the children are blocked
        var leaving = group.DisposeAsync().AsTask();

        // Assert - 1: it cannot have completed, since no child can have finished
        Assert.False(leaving.IsCompleted);

        // Act - 2
        release.SetResult();
        await leaving.DefaultTimeout();

        // Assert - 2
        Assert.Equal(3, finished);
    }

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
    public async Task Cancel_cancels_every_child_and_is_not_reported_as_a_failure()
    {
        var cancelledChildren = 0;
        var group = new TaskGroup();
        for (var i = 0; i < 2; i++)
        {
            group.Start(async token =>
            {
                await token.WaitUntilCancelledAsync();
                Interlocked.Increment(ref cancelledChildren);
                token.ThrowIfCancellationRequested();
            });
        }

        group.Cancel();
        await group.DisposeAsync().DefaultTimeout();

        Assert.Equal(2, cancelledChildren);
        Assert.Empty(group.Failures);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Outer_cancellation_surfaces_as_OperationCanceledException_for_the_outer_token()
    {
        using var outer = new CancellationTokenSource();
        var childWaiting = TestTimeouts.NewSignal();
        var group = new TaskGroup(outer.Token);
        group.Start(async token =>
        {
            childWaiting.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        });
        await childWaiting.Task.DefaultTimeout();

        outer.Cancel();
        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => group.DisposeAsync().DefaultTimeout());

        Assert.Equal(outer.Token, thrown.CancellationToken);
        Assert.Empty(group.Failures);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task OperationCanceledException_not_caused_by_the_group_is_a_failure()
    {
        using var unrelated = new CancellationTokenSource();
        unrelated.Cancel();
        var group = new TaskGroup();
        group.Start(_ => Task.FromCanceled(unrelated.Token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => group.DisposeAsync().DefaultTimeout());

        Assert.Single(group.Failures);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Children_can_start_children_and_leaving_waits_for_them_too()
    {
        var release = TestTimeouts.NewSignal();
        var grandchildFinished = false;
        var group = new TaskGroup();
        group.Start(_ =>
        {
            group.Start(async _ =>
            {
                await release.Task;
                grandchildFinished = true;
            });
            return Task.CompletedTask;
        });

        var leaving = group.DisposeAsync().AsTask();
        Assert.False(leaving.IsCompleted);
        release.SetResult();
        await leaving.DefaultTimeout();

        Assert.True(grandchildFinished);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_child_that_ignores_cancellation_is_still_awaited_and_never_outlives_the_scope()
    {
        var ignoring = TestTimeouts.NewSignal();
        var release = TestTimeouts.NewSignal();
        var childRunning = 0;
        var group = new TaskGroup();
        group.Start(async _ =>
        {
            Interlocked.Increment(ref childRunning);
            ignoring.SetResult();
            await release.Task; // deliberately not observing the token
            Interlocked.Decrement(ref childRunning);
        });
        await ignoring.Task.DefaultTimeout();

        group.Cancel();
        var leaving = group.DisposeAsync().AsTask();
        Assert.False(leaving.IsCompleted);
        release.SetResult();
        await leaving.DefaultTimeout();

        Assert.Equal(0, childRunning);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Starting_a_child_after_the_group_completed_throws_InvalidOperationException()
    {
        var group = new TaskGroup();
        await group.DisposeAsync();

        var thrown = Assert.Throws<InvalidOperationException>(() => group.Start(_ => Task.CompletedTask));

        Assert.Contains("has completed", thrown.Message, StringComparison.Ordinal);
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

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task RunAsync_treats_the_body_as_a_child_so_its_failure_cancels_the_others()
    {
        var failure = new InvalidOperationException("body failed");
        var siblingCancelled = TestTimeouts.NewSignal();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => TaskGroup.RunAsync(async (group, token) =>
        {
            group.Start(async childToken =>
            {
                await childToken.WaitUntilCancelledAsync();
                siblingCancelled.SetResult();
            });
            await Task.Yield();
            throw failure;
        }).DefaultTimeout());

        Assert.Same(failure, thrown);
        Assert.True(siblingCancelled.Task.IsCompleted);
    }
}
