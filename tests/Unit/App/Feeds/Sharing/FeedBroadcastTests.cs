using Tributary.App.Feeds.Sharing;
using Tributary.Streaming.Records;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing;

public sealed class FeedBroadcastTests
{
    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Readers_racing_a_fast_writer_get_items_in_order_every_control_record_in_place_and_every_number_accounted_for()
    {
        // Arrange: readers of different speeds and allowances, one growing the ring while the writer runs.
        var run = new SharedFeedRun();
        var readers = new[] { 2, 5, 64, 1000 }.Select(allowance => Reader(run, allowance)).ToList();
        const long last = 20_000;

        // Act: items as fast as they come, and a control record (pinned to the next item's number) every 97.
        var reading = readers.Select((r, i) => ReadAsync(r, slowEvery: i + 1)).ToList();
        Task<List<FeedItem<object>>>? lateReading = null;
        var writer = Task.Run(() =>
        {
            for (long sequence = 1; sequence <= last; sequence++)
            {
                if (sequence == last / 4)
                {
                    // Joins as the feed's owner would, between two publishes: its ring room grows under the others.
                    var late = new FeedSubscription(new Owner(), "f", 5000, OverflowPolicy.DropOldest, startsAfter: sequence - 1);
                    run.Add(late);
                    lateReading = ReadAsync(late, slowEvery: 3);
                }

                if (sequence % 97 == 0)
                {
                    run.Offer(new FeedItem<object>("f", sequence, DateTimeOffset.UnixEpoch, new FeedControl(FeedControlKind.Engine, "marker") { Status = "recovered" }));
                }

                run.Offer(new FeedItem<object>("f", sequence, DateTimeOffset.UnixEpoch, sequence));
            }

            run.End(null);
        });
        await writer;
        var results = (await Task.WhenAll(reading)).Select(items => (Items: items, After: 0L)).Append((Items: await lateReading!, After: last / 4 - 1));

        // Assert
        foreach (var (items, after) in results)
        {
            var data = items.Where(i => i.Data is not FeedControl).Select(i => i.Sequence).ToList();
            Assert.Equal(data.Order(), data);
            Assert.Equal(data.Distinct().Count(), data.Count);
            Assert.Equal(last, data[^1]);
            Assert.Equal(Enumerable.Range((int)after + 1, (int)(last - after)).Select(i => (long)i), FeedCoverage.Of(items, after));
            // Every marker published after the reader joined arrives, and before any item numbered at or after it.
            var markers = items.Select((item, index) => (item, index)).Where(p => p.item.Data is FeedControl { Kind: FeedControlKind.Engine }).ToList();
            Assert.Equal((int)(last / 97 - after / 97), markers.Count);
            Assert.All(markers, m => Assert.DoesNotContain(items.Take(m.index), i => i.Data is not FeedControl && i.Sequence >= m.item.Sequence));
        }
    }

    private static FeedSubscription Reader(SharedFeedRun run, int allowance)
    {
        var reader = new FeedSubscription(new Owner(), "f", allowance, OverflowPolicy.DropOldest, startsAfter: 0);
        run.Add(reader);
        return reader;
    }

    private static async Task<List<FeedItem<object>>> ReadAsync(FeedSubscription reader, int slowEvery)
    {
        var items = new List<FeedItem<object>>();
        await foreach (var item in reader.ReadAllAsync(TestTimeouts.TestToken()))
        {
            items.Add(item);
            if (items.Count % (slowEvery * 7) == 0)
            {
                await Task.Yield();
            }
        }

        return items;
    }

    private sealed class Owner : ISubscriptionOwner
    {
        public void Unsubscribe(FeedSubscription subscription)
        {
        }

        public void CountDropped(long items)
        {
        }
    }
}
