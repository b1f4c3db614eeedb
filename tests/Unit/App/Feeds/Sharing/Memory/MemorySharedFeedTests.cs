using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Kinds;
using Tributary.App.Feeds.Sharing;
using Tributary.App.Feeds.Sharing.Memory;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Records;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing.Memory;

public sealed class MemorySharedFeedTests : IAsyncDisposable
{
    private readonly TaskGroup _host = new();
    private readonly StreamStats _stats = new();
    private readonly ControlledSource _source = new();

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_hundred_subscribers_share_one_producer_and_the_last_one_leaving_stops_it()
    {
        var feed = NewFeed();
        var subscriptions = Enumerable.Range(0, 100).Select(_ => feed.Subscribe(start: null)).ToList();
        Assert.Equal(100, _stats.SharedFeed("shared").Subscribers);

        // Act: one item for all, then each reader leaves (ending a read unsubscribes; linger is zero)
        _source.Write("hello");
        var firstItems = await Task.WhenAll(subscriptions.Select(s => FirstAsync(s)));

        Assert.Equal(1, _source.Opens);
        Assert.All(firstItems, item => Assert.Equal((1L, "hello"), (item.Sequence, (string)item.Data)));

        await _source.Stopped.Task.DefaultTimeout();
        await _stats.SharedProducers.WaitForAsync(0, TestTimeouts.TestToken());
        // The run's producer count drops as its source stops; the feed turns idle once the run has wound up after it.
        await TestTimeouts.WaitUntilAsync(() => _stats.SharedFeed("shared").State == FeedState.Idle);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_read_holds_a_place_in_the_feed_from_its_start_to_its_end_and_none_before()
    {
        var feed = NewFeed();
        var items = feed.SubscribeAsync(start: null, extraBuffer: 0, TestTimeouts.TestToken());
        Assert.Equal(0, _stats.SharedFeed("shared").Subscribers);

        await using (var reading = items.GetAsyncEnumerator())
        {
            Assert.Equal(1, _stats.SharedFeed("shared").Subscribers);
            _source.Write("x");
            Assert.True(await reading.MoveNextAsync());
            Assert.Equal("x", reading.Current.Data);
        }

        Assert.Equal(0, _stats.SharedFeed("shared").Subscribers);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Disposing_a_read_that_is_still_waiting_ends_that_wait_and_leaves_the_feed()
    {
        var feed = NewFeed();
        var reading = feed.SubscribeAsync(start: null, extraBuffer: 0, TestTimeouts.TestToken()).GetAsyncEnumerator();
        var waiting = reading.MoveNextAsync().AsTask();

        await reading.DisposeAsync();

        Assert.False(await waiting.DefaultTimeout());
        Assert.Equal(0, _stats.SharedFeed("shared").Subscribers);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Every_reader_gets_the_same_encoding_of_an_item_so_its_data_is_serialized_once()
    {
        var feed = NewFeed();
        var subscriptions = Enumerable.Range(0, 3).Select(_ => feed.Subscribe(start: null)).ToList();

        _source.Write(new CounterTick(7));
        var items = await Task.WhenAll(subscriptions.Select(s => FirstAsync(s)));

        Assert.All(items, item => Assert.Equal("{\"value\":7}", System.Text.Encoding.UTF8.GetString(item.DataJson.Span)));
        var arrays = items.Select(item => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(item.DataJson, out var segment) ? segment.Array : null).ToList();
        Assert.All(arrays, array => Assert.Same(arrays[0], array));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_reader_given_extra_buffer_falls_that_much_further_behind_before_it_loses_items()
    {
        var feed = NewFeed(buffer: 10);
        using var roomy = feed.Subscribe(start: null, extraBuffer: 10);

        for (var i = 1; i <= 20; i++)
        {
            _source.Write(i);
        }

        var items = await roomy.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(20);

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), items.Select(i => i.Sequence));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_stalled_subscriber_gets_a_gap_marker_while_a_fast_one_receives_everything_in_order()
    {
        var feed = NewFeed(buffer: 10);
        using var fast = feed.Subscribe(start: null);
        using var stalled = feed.Subscribe(start: null);
        var received = new List<long>();

        // The fast reader takes each item before the next is written, so it never falls behind.
        await using (var reader = fast.ReadAllAsync(TestTimeouts.TestToken()).GetAsyncEnumerator())
        {
            for (var i = 1; i <= 50; i++)
            {
                _source.Write(i);
                Assert.True(await reader.MoveNextAsync());
                received.Add(reader.Current.Sequence);
            }
        }

        var stalledItems = await stalled.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(11);

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), received);
        var gap = Assert.IsType<FeedControl>(stalledItems[0].Data);
        Assert.Equal(("gap", 40L), (gap.Type, gap.Skipped));
        Assert.Equal(Enumerable.Range(41, 10).Select(i => (long)i), stalledItems.Skip(1).Select(i => i.Sequence));
        Assert.Equal(40, _stats.SharedFeed("shared").Dropped);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Resuming_from_a_recent_position_replays_exactly_the_missed_items()
    {
        var feed = NewFeed(linger: TimeSpan.FromHours(1));
        using (var first = feed.Subscribe(start: null))
        {
            for (var i = 1; i <= 30; i++)
            {
                _source.Write(i);
            }

            Assert.Equal(30, (await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(30))[^1].Sequence);
        }

        using var resumed = feed.Subscribe(start: new FeedPosition(20));
        _source.Write(31);

        Assert.Equal(Enumerable.Range(21, 11).Select(i => (long)i), (await resumed.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(11)).Select(i => i.Sequence));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Resuming_from_before_the_history_says_so_with_a_reset_record_then_replays_what_is_left()
    {
        var feed = NewFeed(history: 5, linger: TimeSpan.FromHours(1));
        using (var first = feed.Subscribe(start: null))
        {
            for (var i = 1; i <= 20; i++)
            {
                _source.Write(i);
            }

            await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(20);
        }

        using var resumed = feed.Subscribe(start: new FeedPosition(3));
        var items = await resumed.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(6);

        var reset = Assert.IsType<FeedControl>(items[0].Data);
        Assert.Equal("reset", reset.Type);
        Assert.Contains("12 items of feed 'shared' after seq 3 are no longer in history", reset.Message, StringComparison.Ordinal);
        Assert.Equal([16L, 17, 18, 19, 20], items.Skip(1).Select(i => i.Sequence));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_item_too_large_for_the_history_is_covered_by_a_reset_when_a_resuming_reader_replays_past_it()
    {
        // Arrange: a history of 4 KB, and an item of 3 KB × 2 bytes between two small ones: the large one is delivered
        // live but not kept.
        var feed = NewFeed(linger: TimeSpan.FromHours(1), historyBytes: 4096);
        using (var first = feed.Subscribe(start: null))
        {
            _source.Write("a");
            _source.Write(new string('b', 3000));
            _source.Write("c");
            await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(3);
        }

        // Act
        using var resumed = feed.Subscribe(start: new FeedPosition(0));
        var items = await resumed.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(3);

        // Assert: seq 2 is not replayed, and the reader is told so where it was.
        Assert.Equal((1L, "a"), (items[0].Sequence, items[0].Data));
        var reset = Assert.IsType<FeedControl>(items[1].Data);
        Assert.Equal(("reset", 2L), (reset.Type, items[1].Sequence));
        Assert.Contains("1 items of feed 'shared' after seq 1 were not kept in history", reset.Message, StringComparison.Ordinal);
        Assert.Equal(ResetReasons.NotKept, reset.Reason);
        Assert.Equal((3L, "c"), (items[2].Sequence, items[2].Data));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_status_record_left_out_of_a_full_history_is_covered_by_a_reset_that_says_it_was_not_kept()
    {
        var feed = await FeedWithAStatusHoleAsync();

        using var resumed = feed.Subscribe(start: new FeedPosition(2));
        var items = await resumed.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(3);

        Assert.Equal((3L, "c"), (items[0].Sequence, items[0].Data));
        var reset = Assert.IsType<FeedControl>(items[1].Data);
        Assert.Equal(("reset", 4L), (reset.Type, items[1].Sequence));
        Assert.Contains("1 items of feed 'shared' after seq 3 were not kept in history (a status record gives way to data", reset.Message, StringComparison.Ordinal);
        Assert.Equal((5L, "e"), (items[2].Sequence, items[2].Data));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_tail_that_begins_at_a_number_history_did_not_keep_begins_with_the_next_item_and_no_reset()
    {
        var feed = await FeedWithAStatusHoleAsync();

        // The two newest numbers are 4 (the status record, not kept) and 5.
        using var tail = feed.Subscribe(start: FeedStart.Last(2));
        _source.Write("f");
        var items = await tail.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(2);

        Assert.Equal([(5L, (object)"e"), (6L, "f")], items.Select(i => (i.Sequence, i.Data)));
    }

    // A history of 3 that kept a, b, c and e: the status record numbered 4 gave way to data.
    private async Task<MemorySharedFeed> FeedWithAStatusHoleAsync()
    {
        var feed = NewFeed(history: 3, linger: TimeSpan.FromHours(1));
        using var first = feed.Subscribe(start: null);
        _source.Write("a");
        _source.Write("b");
        _source.Write("c");
        _source.Write(new UpstreamStatus(UpstreamStatus.Reconnecting, "reconnecting in 500 ms (attempt 1)", 1));
        _source.Write("e");
        await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(5);
        return feed;
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_resumed_reader_replays_the_history_as_it_was_when_it_joined_however_much_the_feed_adds_before_it_reads()
    {
        // Arrange: 3,000 items in a history of 3,000.
        var feed = NewFeed(history: 3000, linger: TimeSpan.FromHours(1));
        using (var first = feed.Subscribe(start: null, extraBuffer: 5000))
        {
            for (var i = 1; i <= 3000; i++)
            {
                _source.Write(i);
            }

            await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(3000);
        }

        // Act: a reader resumes from 0 and reads a third of its replay; then 1,500 more items push the oldest out of history.
        using var resumed = feed.Subscribe(start: new FeedPosition(0));
        await using var reading = resumed.ReadAllAsync(TestTimeouts.TestToken()).GetAsyncEnumerator();
        var received = new List<long>();
        for (var i = 0; i < 1000 && await reading.MoveNextAsync(); i++)
        {
            received.Add(reading.Current.Sequence);
        }

        using (var witness = feed.Subscribe(start: null, extraBuffer: 5000))
        {
            for (var i = 3001; i <= 4500; i++)
            {
                _source.Write(i);
            }

            await witness.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(1500);
        }

        while (received.Count < 4500 && await reading.MoveNextAsync())
        {
            received.Add(reading.Current.Sequence);
        }

        // Assert: every item, in order, once.
        Assert.Equal(Enumerable.Range(1, 4500).Select(i => (long)i), received);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_position_ahead_of_the_feed_gets_a_reset_and_then_every_live_item_even_if_the_feed_passes_it_before_the_first_read()
    {
        var feed = NewFeed(linger: TimeSpan.FromHours(1));
        using (var first = feed.Subscribe(start: null))
        {
            for (var i = 1; i <= 5; i++)
            {
                _source.Write(i);
            }

            await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(5);
        }

        // Act: resume after 7 while the feed is at 5; the feed reaches 8 before the reader reads.
        using var resumed = feed.Subscribe(start: new FeedPosition(7));
        using (var witness = feed.Subscribe(start: null))
        {
            for (var i = 6; i <= 8; i++)
            {
                _source.Write(i);
            }

            await witness.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(3);
        }

        var items = await resumed.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(4);

        var reset = Assert.IsType<FeedControl>(items[0].Data);
        Assert.Equal(("reset", 5L), (reset.Type, items[0].Sequence));
        Assert.Contains("Position 7 is ahead of feed 'shared', which is at 5", reset.Message, StringComparison.Ordinal);
        Assert.Equal(ResetReasons.Ahead, reset.Reason);
        Assert.Equal([6L, 7, 8], items.Skip(1).Select(i => i.Sequence));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_export_is_the_history_as_it_was_when_it_started()
    {
        var feed = NewFeed(history: 3000, linger: TimeSpan.FromHours(1));
        using (var first = feed.Subscribe(start: null, extraBuffer: 5000))
        {
            for (var i = 1; i <= 3000; i++)
            {
                _source.Write(i);
            }

            await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(3000);
        }

        await using var export = feed.HistoryAsync(TestTimeouts.TestToken()).GetAsyncEnumerator();
        var exported = new List<long>();
        for (var i = 0; i < 1000 && await export.MoveNextAsync(); i++)
        {
            exported.Add(export.Current.Sequence);
        }

        using (var witness = feed.Subscribe(start: null, extraBuffer: 5000))
        {
            for (var i = 3001; i <= 4500; i++)
            {
                _source.Write(i);
            }

            await witness.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(1500);
        }

        while (await export.MoveNextAsync())
        {
            exported.Add(export.Current.Sequence);
        }

        Assert.Equal(Enumerable.Range(1, 3000).Select(i => (long)i), exported);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_resuming_reader_that_falls_behind_before_its_first_read_is_told_of_every_item_it_does_not_get()
    {
        // Arrange: history 5, a reader buffer of 2, twenty items so far.
        var feed = NewFeed(buffer: 2, history: 5, linger: TimeSpan.FromHours(1));
        using (var first = feed.Subscribe(start: null, extraBuffer: 100))
        {
            for (var i = 1; i <= 20; i++)
            {
                _source.Write(i);
            }

            await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(20);
        }

        // Act: resume after seq 3, and a burst of twenty more before the first read.
        using var resumed = feed.Subscribe(start: new FeedPosition(3));
        using (var witness = feed.Subscribe(start: null, extraBuffer: 100))
        {
            for (var i = 21; i <= 40; i++)
            {
                _source.Write(i);
            }

            await witness.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(20).DefaultTimeout();
        }

        var items = await resumed.ReadAllAsync(TestTimeouts.TestToken()).TakeThroughAsync(i => i.Sequence == 40 && i.Data is not FeedControl);

        // Assert: every number after 3 is delivered, or covered by a reset or gap record the reader got.
        Assert.Equal(Enumerable.Range(4, 37).Select(i => (long)i), FeedCoverage.Of(items, after: 3));
        Assert.Equal("reset", Assert.IsType<FeedControl>(items[0].Data).Type);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_resuming_reader_may_fall_its_replay_further_behind_while_it_drains_the_replay()
    {
        // Arrange: fifty items in history, a reader buffer of 2.
        var feed = NewFeed(buffer: 2, history: 100, linger: TimeSpan.FromHours(1));
        using (var first = feed.Subscribe(start: null, extraBuffer: 100))
        {
            for (var i = 1; i <= 50; i++)
            {
                _source.Write(i);
            }

            await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(50);
        }

        // Act: resume from the start; five live items arrive before the replay is read.
        using var resumed = feed.Subscribe(start: new FeedPosition(0));
        using (var witness = feed.Subscribe(start: null, extraBuffer: 100))
        {
            for (var i = 51; i <= 55; i++)
            {
                _source.Write(i);
            }

            await witness.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(5);
        }

        var items = await resumed.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(55);

        // Assert: the live items waited behind the replay; nothing was skipped.
        Assert.Equal(Enumerable.Range(1, 55).Select(i => (long)i), items.Select(i => i.Sequence));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task With_DisconnectSlowConsumer_only_the_slow_subscriber_is_ended()
    {
        var feed = NewFeed(buffer: 5, policy: OverflowPolicy.DisconnectSlowConsumer);
        using var fast = feed.Subscribe(start: null);
        using var slow = feed.Subscribe(start: null);
        await using var fastReader = fast.ReadAllAsync(TestTimeouts.TestToken()).GetAsyncEnumerator();

        for (var i = 1; i <= 8; i++)
        {
            _source.Write(i);
            Assert.True(await fastReader.MoveNextAsync());
        }

        var thrown = await Assert.ThrowsAsync<FeedFailedException>(() => slow.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(100));
        Assert.Contains("fell 5 items behind feed 'shared' and was disconnected", thrown.ClientMessage, StringComparison.Ordinal);
        Assert.True(thrown.ReaderFellBehind, "a slow reader's disconnection must be told apart from a feed failure");
        _source.Write(9);
        Assert.True(await fastReader.MoveNextAsync());
        Assert.Equal(9, fastReader.Current.Sequence);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_subscriber_arriving_within_the_linger_reuses_the_running_producer()
    {
        var feed = NewFeed(linger: TimeSpan.FromHours(1));
        feed.Subscribe(start: null).Dispose();

        using var again = feed.Subscribe(start: null);
        _source.Write("still here");

        Assert.Equal("still here", (await FirstAsync(again)).Data);
        Assert.Equal(1, _source.Opens);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_failing_shared_feed_ends_its_readers_with_the_failure_and_the_next_reader_restarts_it()
    {
        var feed = NewFeed();
        var failure = new InvalidDataException("upstream sent garbage");
        using var reader = feed.Subscribe(start: null);
        _source.FailWith = failure;
        _source.Write("boom");

        var thrown = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(1));
        await _source.Stopped.Task.DefaultTimeout();
        _source.FailWith = null;
        _source.Renew();
        using var next = feed.Subscribe(start: null);
        _source.Write("fresh");

        Assert.Same(failure, thrown);
        Assert.Equal("fresh", (await FirstAsync(next)).Data);
        Assert.Equal(2, _source.Opens);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_producer_that_ends_during_the_linger_does_not_wedge_the_feed()
    {
        // Arrange: the last reader leaves, the linger starts, and the feed ends by itself during it.
        var clock = new ManualTimeProvider();
        var feed = NewFeed(linger: TimeSpan.FromSeconds(5), clock: clock);
        _source.Write("first");
        Assert.Equal("first", (await FirstAsync(feed.Subscribe(start: null))).Data);
        await clock.PendingTimers.WaitForAsync(1, TestTimeouts.TestToken());
        _source.End();
        await _stats.SharedProducers.WaitForAsync(0, TestTimeouts.TestToken());

        // Act: the linger runs out after the producer has gone, then a reader arrives.
        clock.Advance(TimeSpan.FromSeconds(5));
        await clock.PendingTimers.WaitForAsync(0, TestTimeouts.TestToken());
        _source.Renew();
        using var next = feed.Subscribe(start: null);
        Assert.Equal(1, _stats.SharedFeed("shared").Subscribers);
        _source.Write("second");

        // Assert: a new run serves it.
        Assert.Equal("second", (await FirstAsync(next)).Data);
        Assert.Equal(2, _source.Opens);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_reader_arriving_while_the_lingered_producer_is_still_stopping_gets_a_new_run()
    {
        // Arrange: the linger stops the run, and its producer takes its time to return.
        var clock = new ManualTimeProvider();
        var feed = NewFeed(linger: TimeSpan.FromSeconds(5), clock: clock);
        var release = TestTimeouts.NewSignal();
        _source.HoldAfterStop = release;
        feed.Subscribe(start: null).Dispose();
        await clock.PendingTimers.WaitForAsync(1, TestTimeouts.TestToken());
        clock.Advance(TimeSpan.FromSeconds(5));
        await _source.Stopped.Task.DefaultTimeout();

        // Act: a reader arrives before the stopping producer has returned.
        _source.HoldAfterStop = null;
        using var reader = feed.Subscribe(start: null);
        _source.Write("live");
        var item = await FirstAsync(reader);
        release.SetResult();

        // Assert: it was served by a new run, not attached to the dying one.
        Assert.Equal(("live", 2), ((string)item.Data, _source.Opens));
        await _stats.SharedProducers.WaitForAsync(1, TestTimeouts.TestToken());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Subscribing_while_the_server_stops_ends_that_reader_and_leaves_the_feed_idle()
    {
        var feed = NewFeed();
        _host.Cancel();
        await _host.DisposeAsync();

        using var late = feed.Subscribe(start: null);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => late.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(1));
        Assert.Equal((FeedState.Idle, 0L), (_stats.SharedFeed("shared").State, _stats.SharedFeed("shared").Subscribers));
        Assert.Equal((0L, 0), (_stats.SharedProducers.Current, _source.Opens));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_failure_is_logged_once_however_many_readers_it_ends()
    {
        var logs = new CollectingLoggerProvider();
        var failure = new InvalidOperationException("upstream protocol error");
        var feed = NewFeed(logger: logs.CreateLogger("feed"));
        var readers = Enumerable.Range(0, 3).Select(_ => feed.Subscribe(start: null)).ToList();

        _source.FailWith = failure;
        _source.Write("boom");

        foreach (var reader in readers)
        {
            Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => reader.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(1)));
        }

        var logged = Assert.Single(logs.Entries);
        Assert.Equal((LogLevel.Error, 202), (logged.Level, logged.Id.Id));
        Assert.Same(failure, logged.Exception);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Resuming_a_feed_that_keeps_no_history_gets_a_reset_record_for_what_it_missed()
    {
        var feed = NewFeed(history: 0);
        using var first = feed.Subscribe(start: null);
        await using (var reader = first.ReadAllAsync(TestTimeouts.TestToken()).GetAsyncEnumerator())
        {
            for (var i = 1; i <= 5; i++)
            {
                _source.Write(i);
                Assert.True(await reader.MoveNextAsync());
            }
        }

        var items = await feed.Subscribe(start: new FeedPosition(2)).ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(1);

        var reset = Assert.IsType<FeedControl>(items[0].Data);
        Assert.Equal(FeedControlKind.Reset, reset.Kind);
        Assert.Contains("3 items of feed 'shared' after seq 2 are no longer in history (it keeps the last 0 items", reset.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_malformed_message_is_an_event_and_does_not_stick_as_the_feeds_state()
    {
        var feed = NewFeed();
        using var reader = feed.Subscribe(start: null);
        _source.Write(new UpstreamStatus("connected", "connected to the upstream"));
        _source.Write(new UpstreamStatus("malformed", "line 2 is not JSON and was skipped"));
        _source.Write("healthy data");

        // Read all three without leaving: the last reader leaving would stop the run and make the feed idle.
        await using var items = reader.ReadAllAsync(TestTimeouts.TestToken()).GetAsyncEnumerator();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await items.MoveNextAsync());
        }

        Assert.Equal(FeedState.Connected, _stats.SharedFeed("shared").State);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Every_gap_record_sits_exactly_where_items_were_skipped()
    {
        // A reader that takes its time while the feed runs flat out: drops race its reads. Whatever the
        // interleaving, a gap must count exactly the items missing before the item it precedes.
        var feed = NewFeed(buffer: 2);
        using var slow = feed.Subscribe(start: null);
        var writer = Task.Run(() =>
        {
            for (var i = 1; i <= 20_000; i++)
            {
                _source.Write(i);
            }

            _source.End();
        });

        long last = 0;
        long? gapSkipped = null;
        var gaps = 0;
        await foreach (var item in slow.ReadAllAsync(TestTimeouts.TestToken()))
        {
            if (item.Data is FeedControl { Kind: FeedControlKind.Gap } gap)
            {
                gapSkipped = gap.Skipped;
                gaps++;
                continue;
            }

            Assert.Equal(item.Sequence - last - 1, gapSkipped ?? 0);
            (last, gapSkipped) = (item.Sequence, null);
            if (item.Sequence % 8 == 0)
            {
                await Task.Yield();
            }
        }

        await writer;
        Assert.Equal(20_000, last);
        Assert.True(gaps > 0, "the reader never fell behind, so the scenario was not exercised");
    }

    public async ValueTask DisposeAsync()
    {
        _host.Cancel();
        await _host.DisposeAsync();
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_position_from_another_epoch_gets_a_reset_instead_of_items_that_share_its_number()
    {
        var feed = NewFeed(linger: TimeSpan.FromHours(1));
        string epoch;
        using (var first = feed.Subscribe(start: null))
        {
            for (var i = 1; i <= 10; i++)
            {
                _source.Write(i);
            }

            epoch = (await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(10))[^1].Epoch!;
        }

        using var sameEpoch = feed.Subscribe(start: new FeedPosition(8, epoch));
        using var otherEpoch = feed.Subscribe(start: new FeedPosition(8, "aaaaaaaaaaaa"));
        _source.Write(11);

        Assert.Equal([9L, 10, 11], (await sameEpoch.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(3)).Select(i => i.Sequence));
        var items = await otherEpoch.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(2);
        var reset = Assert.IsType<FeedControl>(items[0].Data);
        Assert.Contains("another epoch", reset.Message, StringComparison.Ordinal);
        Assert.Equal(11, items[1].Sequence);
        Assert.All(items, i => Assert.Equal(epoch, i.Epoch));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Items_older_than_the_history_retention_are_not_replayed()
    {
        var clock = new ManualTimeProvider();
        var feed = NewFeed(linger: TimeSpan.FromHours(1), clock: clock, retention: TimeSpan.FromMinutes(1));
        using (var first = feed.Subscribe(start: null))
        {
            _source.Write(1);
            _source.Write(2);
            await first.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(2);
        }

        clock.Advance(TimeSpan.FromMinutes(2));
        using (var second = feed.Subscribe(start: null))
        {
            _source.Write(3);
            await second.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(1);
        }

        using var resumed = feed.Subscribe(start: new FeedPosition(0));
        var items = await resumed.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(2);

        Assert.Contains("2 items of feed 'shared' after seq 0 are no longer in history", Assert.IsType<FeedControl>(items[0].Data).Message, StringComparison.Ordinal);
        Assert.Equal(3, items[1].Sequence);
        Assert.Equal([3L], (await feed.HistoryAsync(TestTimeouts.TestToken()).ToListAsync()).Select(i => i.Sequence));
    }

    private MemorySharedFeed NewFeed(int buffer = 256, int history = 1000, TimeSpan? linger = null, OverflowPolicy policy = OverflowPolicy.DropOldest, TimeProvider? clock = null, ILogger? logger = null, TimeSpan? retention = null, long historyBytes = 16 * 1024 * 1024)
    {
        var definition = new FeedDefinition
        {
            Name = "shared",
            Kind = FeedKind.Counter,
            Shared = true,
            SubscriberBuffer = buffer,
            HistoryLength = history,
            Linger = linger ?? TimeSpan.Zero,
            Overflow = policy,
            HistoryRetention = retention,
            HistoryMaxBytes = historyBytes,
        };
        return new MemorySharedFeed(definition, (_, token) => _source.OpenAsync(token), _host, clock ?? TimeProvider.System, _stats, new PublishingOptions(), logger ?? NullLogger.Instance);
    }

    private static async Task<FeedItem<object>> FirstAsync(SharedFeedReader subscription) => (await subscription.ReadAllAsync(TestTimeouts.TestToken()).TakeAsync(1))[0];
}
