using Tributary.Streaming.Operators;
using Tributary.Streaming.Records;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Operators;

public sealed class ItemLimitTests
{
    [Fact]
    public async Task Taking_items_ends_after_that_many_and_control_records_do_not_count()
    {
        var source = Records(Item(1), Control(), Item(2), Item(3), Item(4));

        var taken = await source.TakeItems(3).ToListAsync();

        Assert.Equal([1L, 0, 2, 3], taken.Select(i => i.Sequence));
    }

    [Fact]
    public async Task Ending_early_disposes_the_source()
    {
        var disposed = TestTimeouts.NewSignal();

        await Endless(disposed).TakeItems(2).ToListAsync();

        Assert.True(disposed.Task.IsCompleted, "the source was not disposed when the limit was reached");
    }

    [Fact]
    public async Task A_failing_source_delivers_the_items_before_the_failure_then_the_failure()
    {
        var failure = new InvalidOperationException("feed broke");
        var received = new List<long>();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var item in Failing(failure).TakeItems(10))
            {
                received.Add(item.Sequence);
            }
        });

        Assert.Same(failure, thrown);
        Assert.Equal([1L, 2], received);
    }

    private static FeedItem<object> Item(long sequence) => new("news", sequence, DateTimeOffset.UnixEpoch, sequence);

    private static FeedItem<object> Control() => new("news", 0, DateTimeOffset.UnixEpoch, new FeedControl(FeedControlKind.Gap, "skipped", 1));

    private static async IAsyncEnumerable<FeedItem<object>> Records(params FeedItem<object>[] items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    private static async IAsyncEnumerable<FeedItem<object>> Endless(TaskCompletionSource disposed)
    {
        try
        {
            for (long i = 1; ; i++)
            {
                await Task.Yield();
                yield return Item(i);
            }
        }
        finally
        {
            disposed.TrySetResult();
        }
    }

    private static async IAsyncEnumerable<FeedItem<object>> Failing(Exception failure)
    {
        await foreach (var item in Records(Item(1), Item(2)))
        {
            yield return item;
        }

        throw failure;
    }
}
