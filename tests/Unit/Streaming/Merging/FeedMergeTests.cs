using System.Runtime.CompilerServices;
using Tributary.Streaming.Diagnostics;
using Tributary.Streaming.Merging;
using Tributary.Streaming.Producers;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Merging;

public sealed class FeedMergeTests
{
    private readonly ActivityGauge _producers = new();

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Every_item_carries_its_feed_name_and_a_per_feed_sequence_starting_at_1()
    {
        NamedFeed<string>[] sources = [new("news", t => Words(["a", "b", "c"], t)), new("weather", t => Words(["x", "y"], t))];

        var items = await FeedMerge.MergeAsync(sources, Options(), cancellationToken: TestTimeouts.TestToken()).ToListAsync();

        Assert.Equal([(1L, "a"), (2L, "b"), (3L, "c")], items.Where(i => i.Feed == "news").Select(i => (i.Sequence, i.Data)));
        Assert.Equal([(1L, "x"), (2L, "y")], items.Where(i => i.Feed == "weather").Select(i => (i.Sequence, i.Data)));
        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Items_are_stamped_by_the_given_clock()
    {
        var clock = new ManualTimeProvider();
        NamedFeed<string>[] sources = [new("news", t => Words(["a"], t))];

        var items = await FeedMerge.MergeAsync(sources, Options(), clock, TestTimeouts.TestToken()).ToListAsync();

        Assert.Equal(clock.GetUtcNow(), Assert.Single(items).Timestamp);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_very_fast_feed_cannot_starve_a_slow_one()
    {
        const int SlowItems = 5;
        // The fast feed never ends and always has an item ready. Waiting writers are admitted in arrival
        // order, so the slow feed gets each item in after a few channel-fuls; how many exactly depends on
        // thread-pool scheduling, so the bound is only a safety net that a starved feed would blow through.
        const int SafetyBound = 10_000;
        NamedFeed<int>[] sources = [new("fast", Endless), new("slow", t => Ready(SlowItems, t))];
        var seen = 0;
        var slowSeen = 0;

        await foreach (var item in FeedMerge.MergeAsync(sources, Options(capacity: 8), cancellationToken: TestTimeouts.TestToken()))
        {
            seen++;
            slowSeen += item.Feed == "slow" ? 1 : 0;
            if (slowSeen == SlowItems || seen > SafetyBound)
            {
                break;
            }
        }

        Assert.Equal(SlowItems, slowSeen);
        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Breaking_out_of_the_merge_stops_every_feed()
    {
        NamedFeed<int>[] sources = [new("a", Endless), new("b", Endless), new("c", Endless)];

        await foreach (var item in FeedMerge.MergeAsync(sources, Options(), cancellationToken: TestTimeouts.TestToken()))
        {
            if (item.Sequence == 20)
            {
                break;
            }
        }

        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_failing_feed_ends_the_merge_with_its_exception_and_stops_the_others()
    {
        var failure = new InvalidDataException("bad upstream frame");
        NamedFeed<int>[] sources = [new("healthy", Endless), new("broken", t => Failing(failure, t))];

        var thrown = await Assert.ThrowsAsync<InvalidDataException>(() =>
            FeedMerge.MergeAsync(sources, Options(), cancellationToken: TestTimeouts.TestToken()).ToListAsync());

        Assert.Same(failure, thrown);
        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Items_a_feed_had_ready_arrive_while_it_waits_for_its_next_one()
    {
        // Three items back to back, then silence: they travel as one run, and the run must not wait to fill up.
        var silence = new TaskCompletionSource();
        NamedFeed<int>[] sources = [new("bursty", t => ThenWait(Ready(3, t), silence.Task, t))];
        var seen = new List<long>();

        await foreach (var item in FeedMerge.MergeAsync(sources, Options(capacity: 1024), cancellationToken: TestTimeouts.TestToken()))
        {
            seen.Add(item.Sequence);
            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([1L, 2L, 3L], seen);
        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Items_produced_before_a_failure_reach_the_consumer_ahead_of_it()
    {
        var failure = new InvalidDataException("bad upstream frame");
        NamedFeed<int>[] sources = [new("broken", t => ThenFail(Ready(10, t), failure))];
        var seen = new List<int>();

        var thrown = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var item in FeedMerge.MergeAsync(sources, Options(capacity: 1024), cancellationToken: TestTimeouts.TestToken()))
            {
                seen.Add(item.Data);
            }
        });

        Assert.Same(failure, thrown);
        Assert.Equal(Enumerable.Range(0, 10), seen);
        Assert.Equal(0, _producers.Current);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_feed_longer_than_many_runs_keeps_its_order_and_loses_nothing()
    {
        NamedFeed<int>[] sources = [new("a", t => Ready(5_000, t)), new("b", t => Ready(5_000, t))];

        var items = await FeedMerge.MergeAsync(sources, Options(capacity: 1024), cancellationToken: TestTimeouts.TestToken()).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 5_000), items.Where(i => i.Feed == "a").Select(i => i.Data));
        Assert.Equal(Enumerable.Range(0, 5_000), items.Where(i => i.Feed == "b").Select(i => i.Data));
    }

    private ScopedProducerOptions Options(int capacity = ScopedProducerOptions.DefaultCapacity) =>
        new() { Capacity = capacity, ActiveProducers = _producers };

    private static async IAsyncEnumerable<string> Words(string[] words, [EnumeratorCancellation] CancellationToken token)
    {
        foreach (var word in words)
        {
            await Task.Yield();
            token.ThrowIfCancellationRequested();
            yield return word;
        }
    }

    // A feed whose items are all ready at once: it only ever waits on the merge's channel.
    private static async IAsyncEnumerable<int> Ready(int count, [EnumeratorCancellation] CancellationToken token)
    {
        await Task.CompletedTask;
        for (var i = 0; i < count; i++)
        {
            token.ThrowIfCancellationRequested();
            yield return i;
        }
    }

    // Produces as fast as the channel accepts, without ever yielding the thread on its own.
    private static async IAsyncEnumerable<int> Endless([EnumeratorCancellation] CancellationToken token)
    {
        await Task.CompletedTask;
        for (var i = 0; ; i++)
        {
            token.ThrowIfCancellationRequested();
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> Failing(Exception failure, [EnumeratorCancellation] CancellationToken token)
    {
        await Task.Yield();
        yield return 1;
        throw failure;
    }

    private static async IAsyncEnumerable<int> ThenWait(IAsyncEnumerable<int> items, Task signal, [EnumeratorCancellation] CancellationToken token)
    {
        await foreach (var item in items)
        {
            yield return item;
        }

        await signal.WaitAsync(token);
    }

    private static async IAsyncEnumerable<int> ThenFail(IAsyncEnumerable<int> items, Exception failure)
    {
        await foreach (var item in items)
        {
            yield return item;
        }

        throw failure;
    }
}
