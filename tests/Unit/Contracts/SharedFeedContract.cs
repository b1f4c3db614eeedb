using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Sharing;
using Tributary.Streaming.Records;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Contracts;

/// <summary>
/// What every shared-feed engine promises its readers, whatever it stores feeds in: one numbering for every
/// reader, exact resume, a reset or gap record for every number a reader does not get, a producer only while there
/// are readers (and a linger), a failure delivered after the items before it, and an end when the server stops.
/// Each engine runs this suite through its own class, which says how to start an app on it; a new engine must only
/// pass it. The feed is a shared counter, <c>c</c>, configured per test.
/// </summary>
public abstract class SharedFeedContract
{
    /// <summary>Starts the app on the engine under test, with these settings laid over the test catalog.</summary>
    protected abstract Task<LoopbackApp> StartAsync(IReadOnlyList<(string Key, string? Value)> settings, CancellationToken cancellationToken);

    [Fact]
    public async Task Resuming_after_a_position_in_history_delivers_exactly_the_next_items()
    {
        var token = TestTimeouts.TestToken();
        await using var engine = await EngineAsync(token, ("Linger", "01:00:00"));
        var first = await engine.DataAsync(after: null, count: 20, token);

        var resumed = await engine.ReadAsync(new FeedPosition(first[9].Sequence, first[9].Epoch), count: 15, token);

        Assert.DoesNotContain(resumed, i => i.Data is FeedControl);
        Assert.Equal(Enumerable.Range(0, 15).Select(i => first[10].Sequence + i), resumed.Select(i => i.Sequence));
        Assert.Equal(first[10..].Select(i => i.DataJson.ToArray()), resumed.Take(10).Select(i => i.DataJson.ToArray()));
    }

    [Fact]
    public async Task Resuming_from_before_the_history_gets_a_reset_then_every_number_after_it_accounted_for()
    {
        var token = TestTimeouts.TestToken();
        await using var engine = await EngineAsync(token, ("Linger", "01:00:00"), ("HistoryLength", "5"));
        var first = await engine.DataAsync(after: null, count: 30, token);

        var resumed = await engine.ReadAsync(new FeedPosition(first[1].Sequence, first[1].Epoch), count: 12, token);

        var reset = Assert.IsType<FeedControl>(resumed[0].Data);
        Assert.Equal(FeedControlKind.Reset, reset.Kind);
        Assert.Contains("no longer in history", reset.Message, StringComparison.Ordinal);
        Assert.Equal(ResetReasons.Trimmed, reset.Reason);
        AssertEveryNumberAccountedFor(resumed, after: first[1].Sequence);
    }

    [Fact]
    public async Task A_tail_begins_with_the_newest_items_in_history_then_goes_on_live_with_nothing_twice_or_missing()
    {
        // Slow enough (5 items a second) that joining takes far less than the five items the tail asks for.
        var token = TestTimeouts.TestToken();
        await using var engine = await EngineAsync(token, ("Linger", "01:00:00"), ("Rate", "5"));
        await engine.DataAsync(after: null, count: 8, token);

        // The head when the reader joins lies between these two readings; the tail is the five numbers up to it.
        var before = engine.Head;
        await using var reader = engine.Subscribe(FeedStart.Last(5), token).GetAsyncEnumerator(token);
        Assert.True(await reader.MoveNextAsync());
        var after = engine.Head;
        var items = new List<FeedItem<object>> { reader.Current };
        while (items.Count < 8 && await reader.MoveNextAsync())
        {
            items.Add(reader.Current);
        }

        Assert.DoesNotContain(items, i => i.Data is FeedControl);
        Assert.True(items[0].Sequence <= before, $"the first item (#{items[0].Sequence}) is not from history (head #{before} before joining)");
        Assert.InRange(items[0].Sequence, before - 4, after - 4);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => items[0].Sequence + i), items.Select(i => i.Sequence));
    }

    [Fact]
    public async Task A_tail_longer_than_the_history_begins_with_the_oldest_kept_item_and_no_reset()
    {
        var token = TestTimeouts.TestToken();
        await using var engine = await EngineAsync(token, ("Linger", "01:00:00"), ("HistoryLength", "5"));
        await engine.DataAsync(after: null, count: 30, token);

        var items = await engine.ReadAsync(FeedStart.Last(50), count: 12, token);

        Assert.DoesNotContain(items, i => i.Data is FeedControl);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => items[0].Sequence + i), items.Select(i => i.Sequence));
    }

    [Fact]
    public async Task A_position_from_another_epoch_gets_a_reset_and_continues_live()
    {
        var token = TestTimeouts.TestToken();
        await using var engine = await EngineAsync(token, ("Linger", "01:00:00"));
        var first = await engine.DataAsync(after: null, count: 5, token);

        var resumed = await engine.ReadAsync(new FeedPosition(3, "aaaaaaaaaaaa"), count: 4, token);

        var reset = Assert.IsType<FeedControl>(resumed[0].Data);
        Assert.Equal(FeedControlKind.Reset, reset.Kind);
        Assert.Contains("another epoch", reset.Message, StringComparison.Ordinal);
        Assert.Equal(ResetReasons.Epoch, reset.Reason);
        Assert.All(resumed.Skip(1), i => Assert.True(i.Sequence > first[^1].Sequence - 1 && i.Epoch == first[0].Epoch));
    }

    [Fact]
    public async Task A_reader_that_falls_behind_gets_gap_records_that_account_for_every_number_it_missed()
    {
        var token = TestTimeouts.TestToken();
        await using var engine = await EngineAsync(token, ("Linger", "01:00:00"), ("Rate", "10000"), ("SubscriberBuffer", "10"));
        await using var slow = engine.Subscribe(after: null, token).GetAsyncEnumerator(token);
        Assert.True(await slow.MoveNextAsync());
        // A reader can fall behind before its first read too: then its first record is already a gap.
        var start = slow.Current.Data is FeedControl { Kind: FeedControlKind.Gap, Skipped: { } skipped } ? slow.Current.Sequence - skipped : slow.Current.Sequence;

        // The reader stops reading while the feed runs on, far past its buffer.
        await engine.WaitForSequenceAsync(start + 500, token);
        var items = new List<FeedItem<object>> { slow.Current };
        while (items.Count(i => i.Data is not FeedControl) < 40 && await slow.MoveNextAsync())
        {
            items.Add(slow.Current);
        }

        Assert.Contains(items, i => i.Data is FeedControl { Kind: FeedControlKind.Gap });
        AssertEveryNumberAccountedFor(items, after: start - 1);
    }

    [Fact]
    public async Task The_producer_stops_when_the_last_reader_leaves_and_the_next_reader_restarts_it_with_the_numbering_going_on()
    {
        var token = TestTimeouts.TestToken();
        await using var engine = await EngineAsync(token, ("Linger", "00:00:00"));
        var first = await engine.DataAsync(after: null, count: 3, token);

        await engine.Stats.SharedProducers.WaitForAsync(0, token);
        var second = await engine.DataAsync(after: null, count: 3, token);

        Assert.True(second[0].Sequence > first[^1].Sequence);
        Assert.Equal(first[0].Epoch, second[0].Epoch);
    }

    [Fact]
    public async Task A_failing_producer_ends_its_readers_after_the_items_before_the_failure_and_the_next_reader_restarts_it()
    {
        var token = TestTimeouts.TestToken();
        await using var engine = await EngineAsync(token, ("Linger", "00:00:00"), ("FailAfter", "3"));
        var received = new List<FeedItem<object>>();

        var failure = await Assert.ThrowsAsync<FeedFailedException>(async () =>
        {
            await foreach (var item in engine.Subscribe(after: null, token))
            {
                received.Add(item);
            }
        });

        Assert.Equal("c", failure.Feed);
        Assert.Equal(3, received.Count(i => i.Data is not FeedControl));
        await engine.Stats.SharedProducers.WaitForAsync(0, token);
        Assert.NotEmpty(await engine.DataAsync(after: null, count: 1, token));
    }

    [Fact]
    public async Task History_holds_the_newest_items_readers_got_oldest_first()
    {
        var token = TestTimeouts.TestToken();
        await using var engine = await EngineAsync(token, ("Linger", "00:00:00"), ("HistoryLength", "10"));
        var read = await engine.DataAsync(after: null, count: 25, token);
        await engine.Stats.SharedProducers.WaitForAsync(0, token);

        var history = await engine.Engine.HistoryAsync(engine.Feed, token).ToListAsync();

        Assert.Equal(10, history.Count);
        Assert.Equal(history.Select(i => i.Sequence).Order(), history.Select(i => i.Sequence));
        Assert.Equal(read[^1].Sequence, history.Where(i => i.Sequence <= read[^1].Sequence).Max(i => i.Sequence));
    }

    [Fact]
    public async Task Stopping_the_server_ends_every_reader_and_the_producer()
    {
        var token = TestTimeouts.TestToken();
        var engine = await EngineAsync(token, ("Linger", "01:00:00"));
        await using (engine)
        {
            await using var reader = engine.Subscribe(after: null, token).GetAsyncEnumerator(token);
            Assert.True(await reader.MoveNextAsync());

            await engine.App.StopAsync().DefaultTimeout();

            // The reader's stream ends (its entry point then sends the shutdown record), whatever it had left to read.
            await DrainAsync(reader).DefaultTimeout();
            Assert.Equal(0, engine.Stats.SharedProducers.Current);
        }
    }

    private static async Task DrainAsync(IAsyncEnumerator<FeedItem<object>> reader)
    {
        try
        {
            while (await reader.MoveNextAsync())
            {
            }
        }
        catch (OperationCanceledException)
        {
            // Ending by cancellation is as good an end as running out.
        }
    }

    private static void AssertEveryNumberAccountedFor(IReadOnlyList<FeedItem<object>> items, long after)
    {
        var last = items.Last(i => i.Data is not FeedControl).Sequence;
        Assert.Equal(Enumerable.Range(0, (int)(last - after)).Select(i => after + 1 + i), FeedCoverage.Of(items, after));
    }

    private async Task<EngineUnderTest> EngineAsync(CancellationToken cancellationToken, params (string Setting, string Value)[] feed)
    {
        var settings = new List<(string, string?)>
        {
            ("Feeds:100:Name", "c"),
            ("Feeds:100:Kind", "counter"),
            ("Feeds:100:Shared", "true"),
            ("Feeds:100:Rate", "200"),
        };
        settings.AddRange(feed.Select(f => ($"Feeds:100:{f.Setting}", (string?)f.Value)));
        return new EngineUnderTest(await StartAsync(settings, cancellationToken));
    }

    /// <summary>The app on the engine under test, and its shared counter.</summary>
    private sealed class EngineUnderTest(LoopbackApp app) : IAsyncDisposable
    {
        public LoopbackApp App => app;

        public IFeedEngine Engine { get; } = app.Services.GetRequiredService<IFeedEngine>();

        public FeedDefinition Feed { get; } = app.Services.GetRequiredService<FeedCatalog>().Find("c")!;

        public StreamStats Stats { get; } = app.Services.GetRequiredService<StreamStats>();

        public IAsyncEnumerable<FeedItem<object>> Subscribe(FeedStart after, CancellationToken cancellationToken) =>
            Engine.SubscribeAsync(Feed, after, extraBuffer: 0, cancellationToken);

        public Task<List<FeedItem<object>>> ReadAsync(FeedStart after, int count, CancellationToken cancellationToken) =>
            Subscribe(after, cancellationToken).TakeThroughAsync(item => item.Data is not FeedControl && --count == 0);

        public long Head => Stats.SharedFeed(Feed.Name).Snapshot().Sequence;

        public async Task<List<FeedItem<object>>> DataAsync(FeedStart after, int count, CancellationToken cancellationToken) =>
            [.. (await ReadAsync(after, count, cancellationToken)).Where(i => i.Data is not FeedControl)];

        public async Task WaitForSequenceAsync(long sequence, CancellationToken cancellationToken)
        {
            while (Stats.SharedFeed(Feed.Name).Snapshot().Sequence < sequence)
            {
                await Task.Delay(10, cancellationToken);
            }
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
