using Tributary.App.Feeds.Sharing;
using Tributary.App.Feeds.Sharing.Memory;
using Tributary.App.Feeds.Upstream;

namespace Tributary.Tests.Unit.App.Feeds.Sharing.Memory;

public sealed class FeedHistoryTests
{
    private long _sequence;

    [Fact]
    public void History_keeps_only_as_many_of_the_newest_items_as_fit_in_its_byte_bound()
    {
        var history = new FeedHistory(capacity: 1000, maxBytes: 3 * (2 * 1000 + FeedItemSize.Overhead));

        for (var i = 0; i < 10; i++)
        {
            history.Add(Item(new string((char)('a' + i), 1000)));
        }

        Assert.Equal(["h", "i", "j"], history.After(0, long.MaxValue, int.MaxValue).Select(i => ((string)i.Data!)[..1]));
    }

    [Fact]
    public void An_items_shared_encoding_counts_toward_the_byte_bound_with_its_data()
    {
        var json = new byte[1000];
        var history = new FeedHistory(capacity: 1000, maxBytes: 2 * (1000 + FeedItemSize.Overhead));

        for (var i = 0; i < 5; i++)
        {
            history.Add(Item(new object()) with { DataJson = json });
        }

        Assert.Equal(2, history.Count);
        Assert.True(history.Bytes <= 2 * (1000 + FeedItemSize.Overhead));
    }

    [Fact]
    public void An_item_larger_than_the_whole_bound_is_not_kept_and_does_not_empty_the_history()
    {
        var history = new FeedHistory(capacity: 1000, maxBytes: 500);

        history.Add(Item("small"));
        history.Add(Item(new string('x', 1000)));

        Assert.Equal(["small"], history.After(0, long.MaxValue, int.MaxValue).Select(i => i.Data));
        Assert.True(history.Bytes <= 500);
    }

    [Fact]
    public void A_status_record_never_pushes_data_out_of_a_full_history()
    {
        var history = new FeedHistory(capacity: 3, maxBytes: long.MaxValue);
        history.Add(Item("one"));
        history.Add(Item("two"));
        history.Add(Item("three"));

        history.Add(Item(new UpstreamStatus(UpstreamStatus.Reconnecting, "reconnecting in 500 ms (attempt 1)", 1)));
        history.Add(Item("four"));

        Assert.Equal(["two", "three", "four"], history.After(0, long.MaxValue, int.MaxValue).Select(i => i.Data));
    }

    [Fact]
    public void A_status_record_is_kept_while_there_is_room()
    {
        var history = new FeedHistory(capacity: 3, maxBytes: long.MaxValue);
        history.Add(Item("one"));

        history.Add(Item(new UpstreamStatus(UpstreamStatus.Connected, "connected to ws://127.0.0.1:80/")));

        Assert.Equal(2, history.Count);
    }

    private FeedLogEntry Item(object data) => new(++_sequence, DateTimeOffset.UnixEpoch, FeedLogEntryKind.Item, data, default);
}
