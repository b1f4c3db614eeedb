using Tributary.Streaming.Concurrency;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Concurrency;

public sealed partial class TaskGroupTests
{
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
}
