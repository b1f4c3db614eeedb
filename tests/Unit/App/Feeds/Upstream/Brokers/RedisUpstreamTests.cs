using System.Text.Json;
using StackExchange.Redis;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Upstream;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Upstream.Brokers;

/// <summary>The <c>redis</c> kind against a real <c>redis-server</c> of each test's own.</summary>
public sealed class RedisUpstreamTests : IAsyncLifetime
{
    private const string Password = "s3cret-redis";
    private readonly StreamStats _stats = new();
    private ThrowawayBroker _server = null!;
    private ConnectionMultiplexer _publisher = null!;

    private IDatabase Db => _publisher.GetDatabase();

    public async Task InitializeAsync()
    {
        _server = await ThrowawayBroker.RedisAsync(Password);
        _publisher = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { "127.0.0.1", _server.Port } }, Password = Password });
    }

    public async Task DisposeAsync()
    {
        await _publisher.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData("All", new[] { 1, 2, 3 })]
    [InlineData("Last", new[] { 3 })]
    [InlineData("New", new int[0])]
    public async Task A_stream_is_read_from_where_Start_says_then_goes_on_with_new_entries(string start, int[] first)
    {
        var ids = new List<string>();
        for (var n = 1; n <= 3; n++)
        {
            ids.Add((await Db.StreamAddAsync("events", "data", $$"""{"n":{{n}}}""")).ToString());
        }

        await using var items = Feed(new() { Stream = "events", Start = start }).GetAsyncEnumerator();
        Assert.Equal(UpstreamStatus.Connected, Assert.IsType<UpstreamStatus>(await items.NextAsync()).Status);
        var seen = new List<int>();
        foreach (var _ in first)
        {
            seen.Add(Assert.IsType<JsonElement>(await items.NextAsync()).GetProperty("n").GetInt32());
        }

        await Db.StreamAddAsync("events", "data", """{"n":4}""");
        seen.Add(Assert.IsType<JsonElement>(await items.NextAsync()).GetProperty("n").GetInt32());

        Assert.Equal([.. first, 4], seen);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_stream_read_from_an_id_starts_after_it_and_an_entry_of_several_fields_is_an_object_of_them()
    {
        var first = await Db.StreamAddAsync("events", "data", "one");
        await Db.StreamAddAsync("events", [new NameValueEntry("user", "ada"), new NameValueEntry("action", "login")]);

        var items = await Feed(new() { Stream = "events", Start = first.ToString(), Envelope = true }).TakeAsync(2);

        var envelope = Assert.IsType<JsonElement>(items[1]);
        Assert.Equal("events", envelope.GetProperty("stream").GetString());
        Assert.Equal("ada", envelope.GetProperty("payload").GetProperty("user").GetString());
        Assert.Equal("login", envelope.GetProperty("payload").GetProperty("action").GetString());
        Assert.Matches("^[0-9]+-[0-9]+$", envelope.GetProperty("id").GetString());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_channel_pattern_delivers_messages_from_every_matching_channel()
    {
        await using var items = Feed(new() { Channel = "news.*", Envelope = true }).GetAsyncEnumerator();
        await items.NextAsync();

        await _publisher.GetSubscriber().PublishAsync(RedisChannel.Literal("news.sport"), "goal");
        await _publisher.GetSubscriber().PublishAsync(RedisChannel.Literal("weather"), "rain");
        await _publisher.GetSubscriber().PublishAsync(RedisChannel.Literal("news.world"), """{"big":true}""");

        var sport = Assert.IsType<JsonElement>(await items.NextAsync());
        var world = Assert.IsType<JsonElement>(await items.NextAsync());
        Assert.Equal(("news.sport", "goal"), (sport.GetProperty("channel").GetString(), sport.GetProperty("payload").GetString()));
        Assert.Equal("news.world", world.GetProperty("channel").GetString());
        Assert.True(world.GetProperty("payload").GetProperty("big").GetBoolean());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Channel_messages_arrive_in_the_order_they_were_published()
    {
        await using var items = Feed(new() { Channel = "ticks" }).GetAsyncEnumerator();
        await items.NextAsync();
        var subscriber = _publisher.GetSubscriber();
        var published = Enumerable.Range(1, 2000).Select(n => subscriber.PublishAsync(RedisChannel.Literal("ticks"), n)).ToList();
        await Task.WhenAll(published);

        var received = new List<int>();
        while (received.Count < 2000)
        {
            received.Add(Assert.IsType<JsonElement>(await items.NextAsync()).GetInt32());
        }

        Assert.Equal(Enumerable.Range(1, 2000), received);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_wrong_password_is_reported_as_refused_credentials_without_showing_it()
    {
        var items = await Feed(new() { Channel = "news", Password = "not-the-password" }).TakeAsync(1);

        var down = Assert.IsType<UpstreamStatus>(items[0]);
        Assert.Contains("the server refused the credentials", down.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", down.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_password_in_the_Url_is_used_and_never_shown()
    {
        var items = await Feed(new() { Channel = "news" }, url: $"redis://:{Password}@127.0.0.1:{_server.Port}", password: null).TakeAsync(1);

        var connected = Assert.IsType<UpstreamStatus>(items[0]);
        Assert.Equal(UpstreamStatus.Connected, connected.Status);
        Assert.Equal($"connected to redis://127.0.0.1:{_server.Port} (channel news)", connected.Message);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_killed_server_ends_a_blocking_read_at_once_and_the_feed_reconnects_and_goes_on_after_its_last_entry()
    {
        await Db.StreamAddAsync("events", "data", "before");
        await using var items = Feed(new() { Stream = "events", Start = "All" }).GetAsyncEnumerator();
        await items.NextAsync();
        Assert.Equal("before", await items.NextAsync());

        await _server.KillAsync();
        var down = Assert.IsType<UpstreamStatus>(await items.NextAsync());
        Assert.Equal((UpstreamStatus.Disconnected, "the connection to the server was lost"), (down.Status, down.Message));
        await _server.StartAsync();
        await using var publisher = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { "127.0.0.1", _server.Port } }, Password = Password });
        // The server came back empty (no persistence): the entry id of 'after' is newer than 'before' all the same.
        await publisher.GetDatabase().StreamAddAsync("events", "data", "after");

        await items.SkipUntilAsync(i => i is UpstreamStatus { Status: UpstreamStatus.Connected });
        Assert.Equal("after", await items.NextAsync());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_killed_server_ends_a_channel_subscription_and_says_the_connection_was_lost()
    {
        await using var items = Feed(new() { Channel = "news" }).GetAsyncEnumerator();
        await items.NextAsync();

        await _server.KillAsync();
        var down = Assert.IsType<UpstreamStatus>(await items.NextAsync());

        Assert.Equal((UpstreamStatus.Disconnected, "the connection to the server was lost"), (down.Status, down.Message));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Cancelling_a_feed_in_a_blocking_read_closes_its_connection_at_once()
    {
        var before = _server.ClientConnections();
        using var stop = new CancellationTokenSource();
        await using (var items = Feed(new() { Stream = "events" }, cancellationToken: stop.Token).GetAsyncEnumerator())
        {
            await items.NextAsync();
            Assert.True(_server.ClientConnections() > before);
            await stop.CancelAsync();
        }

        await TestTimeouts.WaitUntilAsync(() => _server.ClientConnections() == before);
    }

    private IAsyncEnumerable<object> Feed(FeedDefinition settings, string? url = null, string? password = Password, CancellationToken cancellationToken = default)
    {
        settings.Name = "redis-feed";
        settings.Kind = FeedKind.Redis;
        settings.Url = url ?? _server.Url;
        settings.Password ??= password;
        settings.ReconnectMinDelay = TimeSpan.FromMilliseconds(20);
        settings.ReconnectMaxDelay = TimeSpan.FromMilliseconds(100);
        var token = cancellationToken.CanBeCanceled ? cancellationToken : TestTimeouts.TestToken();
        return TestCatalogs.Create(_stats, settings).ReadAsync(settings, CounterOverrides.None, token);
    }

}
