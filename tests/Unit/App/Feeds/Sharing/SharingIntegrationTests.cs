using System.Text.Json;
using Tributary.App.Feeds.Sharing;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing;

public sealed class SharingIntegrationTests(SharingFixture fixture) : IClassFixture<SharingFixture>
{
    [Fact]
    public async Task A_hundred_streams_on_one_upstream_feed_open_exactly_one_upstream_connection()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();
        var responses = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var response = await client.OpenStreamAsync("/api/stream?feeds=wsfeed", token);
                responses.Add(response);
                await (await response.BodyReaderAsync(token)).ReadLineOrThrowAsync(token);
            }

            Assert.Equal(1, fixture.Peer.Connections);
            Assert.Equal(100, fixture.Stats.SharedFeed("wsfeed").Subscribers);
        }
        finally
        {
            responses.ForEach(r => r.Dispose());
        }

        // The last reader gone and no linger: the upstream connection is closed.
        await fixture.Peer.Open.WaitForAsync(0, TestTimeouts.TestToken());
        await fixture.Stats.SharedProducers.WaitForAsync(0, TestTimeouts.TestToken());
        // The run's producer stops counting before the feed is marked idle (when its run is taken off): wait for both.
        await TestTimeouts.WaitUntilAsync(() => fixture.Stats.SharedFeed("wsfeed").State == FeedState.Idle);
    }

    [Fact]
    public async Task A_stream_of_one_shared_feed_counts_as_one_producer_until_its_client_leaves()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();
        // Streams of the other tests in this class may still be tearing down.
        await fixture.Stats.ActiveProducers.WaitForAsync(0, token);
        using (var response = await client.OpenStreamAsync("/api/stream?feeds=ticks", token))
        {
            await (await response.BodyReaderAsync(token)).ReadLineOrThrowAsync(token);
            Assert.Equal(1, fixture.Stats.ActiveProducers.Current);
        }

        await fixture.Stats.ActiveProducers.WaitForAsync(0, token);
    }

    [Fact]
    public async Task An_sse_client_reconnecting_with_Last_Event_ID_gets_exactly_the_items_it_missed()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();
        string lastId;
        using (var first = await client.OpenStreamAsync("/api/stream?feeds=ticks&format=sse&limit=5", token))
        {
            var events = (await first.Content.ReadAsStringAsync(token)).SseEvents();
            lastId = events[^1].Split('\n')[0]["id: ".Length..];
        }

        // ticks:<seq>@<epoch>: the epoch names this process's numbering of the feed.
        var (lastSeq, epoch) = (long.Parse(lastId.Split(':')[1].Split('@')[0], System.Globalization.CultureInfo.InvariantCulture), lastId.Split('@')[1]);
        using var resumed = await client.OpenStreamAsync("/api/stream?feeds=ticks&format=sse&limit=3", token, ("Last-Event-ID", lastId));
        var ids = (await resumed.Content.ReadAsStringAsync(token)).SseEvents().Select(e => e.Split('\n')[0]);

        Assert.Equal([$"id: ticks:{lastSeq + 1}@{epoch}", $"id: ticks:{lastSeq + 2}@{epoch}", $"id: ticks:{lastSeq + 3}@{epoch}"], ids);
    }

    [Fact]
    public async Task Since_resumes_each_feed_from_its_own_position_and_sse_ids_carry_every_feed()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();
        using (var warmUp = await client.OpenStreamAsync("/api/stream?feeds=headlines&limit=20", token))
        {
            await warmUp.Content.ReadAsStringAsync(token);
        }

        // The limit leaves room for the 18 replayed headlines whatever ticks arrive first: the merge may pass
        // either feed's items first.
        using var response = await client.OpenStreamAsync("/api/stream?feeds=ticks,headlines&format=sse&limit=40&since=headlines:2", token);
        var events = (await response.Content.ReadAsStringAsync(token)).SseEvents();

        var headlineIds = events.Where(e => e.Contains("event: headlines", StringComparison.Ordinal)).Select(e => e.Split('\n')[0]).ToList();
        Assert.NotEmpty(headlineIds);
        Assert.Contains("headlines:3", headlineIds[0], StringComparison.Ordinal);
        Assert.All(events, e => Assert.Matches(@"^id: (ticks:\d+,)?headlines:\d+|^id: ticks:\d+", e.Split('\n')[0]));
    }

    [Fact]
    public async Task Stats_show_each_shared_feed_with_its_state_subscribers_and_drops()
    {
        var token = TestTimeouts.TestToken();
        using var client = fixture.NewClient();
        using var open = await client.OpenStreamAsync("/api/stream?feeds=ticks", token);
        await (await open.BodyReaderAsync(token)).ReadLineOrThrowAsync(token);

        var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/stats", UriKind.Relative), token)).RootElement;

        var ticks = stats.GetProperty("feeds").GetProperty("ticks");
        Assert.Equal("running", ticks.GetProperty("state").GetString());
        Assert.True(ticks.GetProperty("subscribers").GetInt64() >= 1);
        Assert.True(ticks.GetProperty("dropped").GetInt64() >= 0);
        Assert.True(stats.GetProperty("sharedProducers").GetInt64() >= 1);
    }
}
