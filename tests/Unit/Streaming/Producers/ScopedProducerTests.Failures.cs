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
}
