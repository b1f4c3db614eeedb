using Tributary.App.Feeds.Sharing;
using Tributary.Streaming.Records;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing;

public sealed class FeedSubscriptionTests
{
    [Fact]
    public async Task Items_a_resuming_reader_already_has_are_skipped_without_a_gap_record()
    {
        var (run, subscription) = Subscribe(allowance: 100, startsAfter: 10);
        subscription.SkipThrough(15);
        for (var i = 11; i <= 17; i++)
        {
            run.Offer(new FeedItem<object>("f", i, DateTimeOffset.UnixEpoch, i));
        }

        run.End(null);
        var items = await subscription.ReadAllAsync(TestTimeouts.TestToken()).ToListAsync();

        Assert.Equal([16L, 17], items.Select(i => i.Sequence));
        Assert.DoesNotContain(items, i => i.Data is FeedControl);
    }

    [Fact]
    public async Task A_reset_record_moves_the_reader_so_the_items_after_it_are_not_a_gap()
    {
        var (run, subscription) = Subscribe(allowance: 100, startsAfter: 10);
        run.Offer(new FeedItem<object>("f", 40, DateTimeOffset.UnixEpoch, new FeedControl(FeedControlKind.Reset, "trimmed")));
        run.Offer(new FeedItem<object>("f", 41, DateTimeOffset.UnixEpoch, 41));
        run.End(null);

        var items = await subscription.ReadAllAsync(TestTimeouts.TestToken()).ToListAsync();

        Assert.Equal(["reset", null], items.Select(i => (i.Data as FeedControl)?.Type));
    }

    [Fact]
    public async Task A_reader_that_falls_behind_skips_data_but_never_a_control_record()
    {
        var (run, subscription) = Subscribe(allowance: 2, startsAfter: 0);
        run.Offer(new FeedItem<object>("f", 1, DateTimeOffset.UnixEpoch, 1));
        run.Offer(new FeedItem<object>("f", 1, DateTimeOffset.UnixEpoch, new FeedControl(FeedControlKind.Engine, "unavailable") { Status = "unavailable" }));
        for (var i = 2; i <= 10; i++)
        {
            run.Offer(new FeedItem<object>("f", i, DateTimeOffset.UnixEpoch, i));
        }

        run.Offer(new FeedItem<object>("f", 10, DateTimeOffset.UnixEpoch, new FeedControl(FeedControlKind.Engine, "available") { Status = "available" }));
        run.End(null);

        var items = await subscription.ReadAllAsync(TestTimeouts.TestToken()).ToListAsync();

        Assert.Equal(["engine", "gap", null, null, "engine"], items.Select(i => (i.Data as FeedControl)?.Type));
        Assert.Equal([9L, 10], items.Where(i => i.Data is not FeedControl).Select(i => i.Sequence));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), FeedCoverage.Of(items, after: 0));
    }

    [Fact]
    public async Task A_reader_parked_on_an_idle_feed_wakes_for_the_next_item_and_for_the_end()
    {
        var (run, subscription) = Subscribe(allowance: 10, startsAfter: 0);
        await using var reader = subscription.ReadAllAsync(TestTimeouts.TestToken()).GetAsyncEnumerator();
        var next = reader.MoveNextAsync();
        Assert.False(next.IsCompleted);

        run.Offer(new FeedItem<object>("f", 1, DateTimeOffset.UnixEpoch, 1));
        Assert.True(await next.AsTask().DefaultTimeout());
        var end = reader.MoveNextAsync();
        run.End(new InvalidOperationException("source broke"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => end.AsTask().DefaultTimeout());
        Assert.Equal("source broke", failure.Message);
    }

    [Fact]
    public async Task Cancelling_a_parked_reader_ends_it_and_unsubscribes_it()
    {
        var owner = new Owner();
        var (_, subscription) = Subscribe(allowance: 10, startsAfter: 0, owner);
        using var cancel = new CancellationTokenSource();
        var reading = subscription.ReadAllAsync(cancel.Token).ToListAsync();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.DefaultTimeout());
        Assert.Equal(1, owner.Unsubscribed);
    }

    private static (SharedFeedRun Run, FeedSubscription Subscription) Subscribe(int allowance, long startsAfter, Owner? owner = null)
    {
        var run = new SharedFeedRun();
        var subscription = new FeedSubscription(owner ?? new Owner(), "f", allowance, OverflowPolicy.DropOldest, startsAfter);
        run.Add(subscription);
        return (run, subscription);
    }

    private sealed class Owner : ISubscriptionOwner
    {
        public int Unsubscribed { get; private set; }

        public void Unsubscribe(FeedSubscription subscription) => Unsubscribed++;

        public void CountDropped(long items)
        {
        }
    }
}
