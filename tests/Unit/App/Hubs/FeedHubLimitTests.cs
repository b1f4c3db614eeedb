using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Tributary.App.Dashboard.Client;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Hubs;
using Tributary.Streaming.Records;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Hubs;

public sealed class FeedHubLimitTests
{
    [Fact]
    public async Task A_connection_cannot_open_more_streams_than_its_limit()
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamsPerConnection", "2")));
        await using var connection = await ConnectAsync(app);
        using var open = CancellationTokenSource.CreateLinkedTokenSource(TestTimeouts.TestToken());

        await using var first = await FirstItemAsync(connection, open.Token);
        await using var second = await FirstItemAsync(connection, open.Token);
        var thrown = await Assert.ThrowsAsync<HubException>(async () => await FirstItemAsync(connection, open.Token));

        Assert.Contains("already has 2 open streams, the most allowed (Streaming:MaxStreamsPerConnection)", thrown.Message, StringComparison.Ordinal);
        await open.CancelAsync();
        await app.Services.GetRequiredService<StreamStats>().ActiveProducers.WaitForAsync(0, TestTimeouts.TestToken());
    }

    [Fact]
    public async Task Hub_and_http_streams_of_one_client_share_the_per_client_limit()
    {
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamsPerClient", "2")));
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        await using var connection = await ConnectAsync(app);
        using var open = CancellationTokenSource.CreateLinkedTokenSource(token);

        using var httpStream = await http.OpenStreamAsync("/api/stream?feeds=idle", token);
        await (await httpStream.BodyReaderAsync(token)).ReadLineOrThrowAsync(token);
        await using var hubStream = await FirstItemAsync(connection, open.Token);
        var thrown = await Assert.ThrowsAsync<HubException>(async () => await FirstItemAsync(connection, open.Token));

        Assert.Contains("already has 2 open streams, the most allowed (Streaming:MaxStreamsPerClient)", thrown.Message, StringComparison.Ordinal);
        await open.CancelAsync();
    }

    [Fact]
    public async Task Anonymous_hub_streams_from_the_servers_own_address_are_held_to_the_per_client_limit_by_default()
    {
        // Behind a reverse proxy on the same host every caller arrives from loopback: exempting it would exempt everyone.
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Streaming:MaxStreamsPerClient", "1")));
        await using var first = await ConnectAsync(app);
        await using var second = await ConnectAsync(app);
        using var open = CancellationTokenSource.CreateLinkedTokenSource(TestTimeouts.TestToken());

        await using var one = await FirstItemAsync(first, open.Token);
        var refused = await Assert.ThrowsAsync<HubException>(async () => await FirstItemAsync(second, open.Token));

        Assert.Contains("already has 1 open streams", refused.Message, StringComparison.Ordinal);
        await open.CancelAsync();
    }

    [Fact]
    public async Task When_the_server_stops_a_hub_stream_ends_with_a_shutdown_record_and_completes()
    {
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings());
        var connection = FeedHubConnection.Build(new Uri(app.BaseAddress, FeedHub.Path), builder => builder.WithAutomaticReconnect());
        var reconnecting = TestTimeouts.NewSignal();
        connection.Reconnecting += _ =>
        {
            reconnecting.TrySetResult();
            return Task.CompletedTask;
        };
        await using var disposeConnection = connection;
        await connection.StartAsync(TestTimeouts.TestToken());
        await using var stream = connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "idle" }, TestTimeouts.TestToken()).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());

        // Act: the server stops while the stream is open
        var stopping = app.StopAsync();
        Assert.True(await stream.MoveNextAsync());
        var last = stream.Current;
        var ended = !await stream.MoveNextAsync();
        await stopping.DefaultTimeout();

        Assert.Equal("shutdown", last.Data.GetProperty("type").GetString());
        Assert.True(ended, "the stream must complete after the shutdown record");

        // The client is free to reconnect to the next server, as the shutdown record tells it to.
        await reconnecting.Task.DefaultTimeout();
    }

    private static async Task<HubConnection> ConnectAsync(LoopbackApp app)
    {
        var connection = FeedHubConnection.Build(new Uri(app.BaseAddress, FeedHub.Path));
        await connection.StartAsync(TestTimeouts.TestToken());
        return connection;
    }

    // Opens a stream of the idle feed and waits for its first item; the stream stays open until the token is cancelled.
    private static async Task<IAsyncEnumerator<FeedItem<JsonElement>>> FirstItemAsync(HubConnection connection, CancellationToken token)
    {
        var stream = connection.StreamAsync<FeedItem<JsonElement>>("Stream", new[] { "idle" }, token).GetAsyncEnumerator(token);
        await stream.MoveNextAsync();
        return stream;
    }
}
