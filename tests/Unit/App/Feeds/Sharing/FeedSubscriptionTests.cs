using Tributary.App.Feeds.Sharing;
using Tributary.Streaming.Records;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing;

public sealed class FeedSubscriptionTests
{
    [Fact]
    public async Task Items_a_resuming_reader_already_has_are_skipped_without_a_gap_record()
    {
        var subscription = new FeedSubscription(new Owner(), 100, OverflowPolicy.DropOldest, startsAfter: 10);
        subscription.SkipThrough(15);
        for (var i = 11; i <= 17; i++)
        {
            subscription.Offer(new FeedItem<object>("f", i, DateTimeOffset.UnixEpoch, i));
        }

        subscription.Complete(null);
        var items = await subscription.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(2);

        Assert.Equal([16L, 17], items.Select(i => i.Sequence));
        Assert.DoesNotContain(items, i => i.Data is FeedControl);
    }

    [Fact]
    public async Task A_reset_record_moves_the_reader_so_the_items_after_it_are_not_a_gap()
    {
        var subscription = new FeedSubscription(new Owner(), 100, OverflowPolicy.DropOldest, startsAfter: 10);
        subscription.Offer(new FeedItem<object>("f", 40, DateTimeOffset.UnixEpoch, new FeedControl(FeedControlKind.Reset, "trimmed")));
        subscription.Offer(new FeedItem<object>("f", 41, DateTimeOffset.UnixEpoch, 41));
        subscription.Complete(null);

        var items = await subscription.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(2);

        Assert.Equal(["reset", null], items.Select(i => (i.Data as FeedControl)?.Type));
    }

    private sealed class Owner : ISubscriptionOwner
    {
        public void Unsubscribe(FeedSubscription subscription)
        {
        }

        public void CountDropped()
        {
        }
    }
}
