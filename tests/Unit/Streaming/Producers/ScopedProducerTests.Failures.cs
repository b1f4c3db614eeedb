using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Producers;

public sealed partial class ScopedProducerTests
{
    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Producer_failure_cancels_the_other_producers_then_reaches_the_consumer_after_the_items_before_it()
    {
        var failure = new InvalidOperationException("feed broke");
        var siblingWasCancelled = false;
        var received = new List<int>();
        var scope = NewScope();
        await using (scope)
        {
            scope.Start(async (writer, token) =>
            {
                await token.WaitUntilCancelledAsync();
                siblingWasCancelled = true;
            });
            scope.Start(async (writer, token) =>
            {
                await writer.WriteAsync(1, token);
                await writer.WriteAsync(2, token);
                throw failure;
            });

            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                await foreach (var item in scope.ReadAllAsync(TestTimeouts.TestToken()))
                {
                    received.Add(item);
                }
            });

            Assert.Same(failure, thrown);
            Assert.True(siblingWasCancelled);
        }

        Assert.Equal([1, 2], received);
        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_failure_the_consumer_never_saw_is_rethrown_by_DisposeAsync()
    {
        var failure = new IOException("upstream reset while closing");
        var scope = NewScope();
        scope.Start(async (writer, token) =>
        {
            await token.WaitUntilCancelledAsync();
            throw failure;
        });

        var thrown = await Assert.ThrowsAsync<IOException>(() => scope.DisposeAsync().DefaultTimeout());

        Assert.Same(failure, thrown);
    }

    // A producer's own cancellation (an HTTP client's timeout, say) happens while nobody cancelled the scope:
    // it is a failure like any other, not the scope's cancellation.
    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_producers_own_cancellation_reaches_the_consumer_as_a_failure()
    {
        var timeout = new TaskCanceledException("The upstream request timed out.");
        var received = new List<int>();
        var scope = NewScope();
        await using (scope)
        {
            scope.Start(async (writer, token) =>
            {
                await writer.WriteAsync(1, token);
                throw timeout;
            });

            var thrown = await Assert.ThrowsAsync<TaskCanceledException>(async () =>
            {
                await foreach (var item in scope.ReadAllAsync(TestTimeouts.TestToken()))
                {
                    received.Add(item);
                }
            });

            Assert.Same(timeout, thrown);
        }

        Assert.Equal([1], received);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_producers_own_cancellation_the_consumer_never_saw_is_rethrown_by_DisposeAsync()
    {
        var timeout = new TaskCanceledException("The upstream request timed out.");
        var failed = TestTimeouts.NewSignal();
        var scope = NewScope();
        scope.Start(async (writer, token) =>
        {
            await Task.CompletedTask;
            failed.SetResult();
            throw timeout;
        });
        await failed.Task.DefaultTimeout();
        await _producers.WaitForAsync(0, TestTimeouts.TestToken());

        var thrown = await Assert.ThrowsAsync<TaskCanceledException>(() => scope.DisposeAsync().DefaultTimeout());

        Assert.Same(timeout, thrown);
    }
}
