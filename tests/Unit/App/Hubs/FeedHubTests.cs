using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds;
using Tributary.App.Hubs;
using Tributary.Streaming.Records;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Hubs;

/// <summary>The SignalR .NET client, over a real WebSocket, against the app on a loopback port.</summary>
public sealed class FeedHubTests(StreamApiFixture fixture) : IClassFixture<StreamApiFixture>
{
    [Fact]
    public async Task Catalog_lists_the_feeds()
    {
        await using var connection = await ConnectAsync();

        var feeds = await connection.InvokeAsync<FeedInfo[]>("Catalog", TestTimeouts.TestToken());

        Assert.Contains(feeds, f => f is { Name: "news", Kind: "news" });
        Assert.Contains(feeds, f => f is { Name: "fast", Kind: "counter" });
    }

    [Fact]
    public async Task Stream_delivers_merged_items_labelled_with_feed_and_sequence()
    {
        await using var connection = await ConnectAsync();

        var items = await connection.StreamAsync<FeedItem<JsonElement>>("StreamWith", new[] { "fast" }, new HubStreamOptions(Limit: 5), TestTimeouts.TestToken()).TakeAsync(10);

        Assert.Equal([1L, 2, 3, 4, 5], items.Select(i => i.Sequence));
        Assert.All(items, i => Assert.Equal("fast", i.Feed));
        Assert.Equal(5, items[^1].Data.GetProperty("value").GetInt64());
    }

    [Fact]
    public async Task StreamBatches_delivers_the_same_items_grouped_into_messages()
    {
        await using var connection = await ConnectAsync();
        using var stop = new CancellationTokenSource();
        var items = new List<FeedItem<JsonElement>>();

        // The .NET client stops a server stream through the token it was given (leaving the loop alone does not).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in connection.StreamAsync<FeedItem<JsonElement>[]>("StreamBatches", new[] { "fast" }, stop.Token))
            {
                Assert.NotEmpty(batch);
                items.AddRange(batch);
                if (items.Count >= 500)
                {
                    await stop.CancelAsync();
                }
            }
        });

        Assert.Equal(Enumerable.Range(1, items.Count).Select(i => (long)i), items.Select(i => i.Sequence));
        await fixture.Stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Fact]
    public async Task Concurrent_streams_on_one_connection_run_independently()
    {
        var token = TestTimeouts.TestToken();
        await using var connection = await ConnectAsync();
        using var stopIdle = new CancellationTokenSource();
        await using var idle = connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "idle" }, stopIdle.Token).GetAsyncEnumerator(token);
        Assert.True(await idle.MoveNextAsync());

        // While the idle stream stays open, a second stream on the same connection runs to its end.
        var fast = await connection.StreamAsync<FeedItem<JsonElement>>("StreamWith", new[] { "fast" }, new HubStreamOptions(Limit: 50), token).TakeAsync(100);

        Assert.Equal(50, fast.Count);
        Assert.Equal(1, fixture.Stats.ActiveProducers.Current);
        await stopIdle.CancelAsync();
        await fixture.Stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Fact]
    public async Task Cancelling_a_stream_stops_its_producers()
    {
        var token = TestTimeouts.TestToken();
        await using var connection = await ConnectAsync();
        using var cancel = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "fast", "idle", "news" }, cancel.Token))
            {
                if (++received == 20)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        await fixture.Stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Fact]
    public async Task Losing_the_connection_stops_the_producers_of_every_stream_on_it()
    {
        var token = TestTimeouts.TestToken();
        var connection = await ConnectAsync();
        var first = connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "idle" }, token).GetAsyncEnumerator(token);
        var second = connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "fast", "news" }, token).GetAsyncEnumerator(token);
        Assert.True(await first.MoveNextAsync());
        Assert.True(await second.MoveNextAsync());
        await fixture.Stats.ActiveProducers.WaitForAsync(3, TestTimeouts.TestToken());

        await connection.DisposeAsync();

        await fixture.Stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Theory]
    [InlineData(new[] { "nope" }, null, null, "Unknown feed 'nope'. Known feeds: news, weather,")]
    [InlineData(new string[0], null, null, "No feeds were requested.")]
    [InlineData(new[] { "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11", "a12", "a13", "a14", "a15", "a16", "a17" }, null, null, "17 feeds were requested; at most 16")]
    [InlineData(new[] { "news" }, 5.0, null, "rate and count apply only to counter feeds, but 'news' is a news feed.")]
    [InlineData(new[] { "fast" }, -1.0, null, "rate must be 0 (as fast as possible) or between 0.001 and 10000, but was -1.")]
    [InlineData(new[] { "fast" }, null, -3L, "count must be between 0 and 10000000, but was -3.")]
    public async Task Bad_input_gets_a_HubException_that_names_the_problem(string[] feeds, double? rate, long? count, string expected)
    {
        await using var connection = await ConnectAsync();

        var thrown = await Assert.ThrowsAsync<HubException>(() =>
            connection.StreamAsync<FeedItem<JsonElement>>("StreamWith", feeds, new HubStreamOptions(rate, count), TestTimeouts.TestToken()).TakeAsync(1));

        Assert.Contains(expected, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_feed_ends_the_hub_stream_with_a_HubException_naming_it_and_stops_the_others()
    {
        await using var connection = await ConnectAsync();
        var received = new List<FeedItem<JsonElement>>();

        var thrown = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var item in connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "broken", "idle" }, TestTimeouts.TestToken()))
            {
                received.Add(item);
            }
        });

        Assert.Contains("Feed 'broken' failed, so the stream was ended.", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(3, received.Count(i => i.Feed == "broken"));
        await fixture.Stats.ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Fact]
    public async Task A_feed_failure_on_the_hub_is_logged_once_and_bad_input_not_as_an_error()
    {
        var logs = new CollectingLoggerProvider();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(), builder => builder.Logging.AddProvider(logs));
        await using var connection = FeedHubConnection.Build(new Uri(app.BaseAddress, FeedHub.Path));
        await connection.StartAsync(TestTimeouts.TestToken());

        // Act 1: a client's bad input
        await Assert.ThrowsAsync<HubException>(() => connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "nope" }, TestTimeouts.TestToken()).TakeAsync(1));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);

        // Act 2: a feed that fails
        await Assert.ThrowsAsync<HubException>(() => connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "broken" }, TestTimeouts.TestToken()).TakeAsync(10));

        var logged = Assert.Single(logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal((LogLevel.Error, 1), (logged.Level, logged.Id.Id));
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Theory]
    [InlineData("StreamWith")]
    [InlineData("StreamBatchesWith")]
    public async Task Missing_hub_arguments_get_a_HubException_naming_them_and_are_not_logged_as_errors(string method)
    {
        var logs = new CollectingLoggerProvider();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(), builder => builder.Logging.AddProvider(logs));
        await using var connection = FeedHubConnection.Build(new Uri(app.BaseAddress, FeedHub.Path));
        await connection.StartAsync(TestTimeouts.TestToken());

        var noOptions = await Assert.ThrowsAsync<HubException>(() =>
            connection.StreamAsync<JsonElement>(method, new[] { "fast" }, null, TestTimeouts.TestToken()).TakeAsync(1));
        var noFeeds = await Assert.ThrowsAsync<HubException>(() =>
            connection.StreamAsync<JsonElement>(method, null, new HubStreamOptions(), TestTimeouts.TestToken()).TakeAsync(1));

        Assert.Contains("options", noOptions.Message, StringComparison.Ordinal);
        Assert.Contains("No feeds were requested.", noFeeds.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = FeedHubConnection.Build(new Uri(fixture.App.BaseAddress, FeedHub.Path));
        await connection.StartAsync(TestTimeouts.TestToken());
        return connection;
    }
}
