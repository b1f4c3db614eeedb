using Tributary.Streaming.Concurrency;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Concurrency;

public sealed partial class TaskGroupTests
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
    public async Task Starting_a_child_after_the_group_completed_throws_InvalidOperationException()
    {
        var group = new TaskGroup();
        await group.DisposeAsync();

        var thrown = Assert.Throws<InvalidOperationException>(() => group.Start(_ => Task.CompletedTask));

        Assert.Contains("has completed", thrown.Message, StringComparison.Ordinal);
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

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Children_run_on_the_thread_pool_even_when_started_under_a_synchronization_context()
    {
        // A Blazor renderer, say: a child must not be queued onto it, or it would run on the UI's thread.
        var context = new CountingSynchronizationContext();
        var ranOn = TestTimeouts.NewSignal<SynchronizationContext?>();
        var group = new TaskGroup();
        await using (group)
        {
            context.RunUnder(() => group.TryStart(_ =>
            {
                ranOn.SetResult(SynchronizationContext.Current);
                return Task.CompletedTask;
            }));
        }

        await ranOn.Task.DefaultTimeout();
        Assert.Equal(0, context.Posts);
    }
}
