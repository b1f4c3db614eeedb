using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Upstream;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Upstream.Brokers;

/// <summary>The <c>nats</c> kind against a real <c>nats-server -js</c> of each test's own.</summary>
public sealed class NatsUpstreamTests : IAsyncLifetime
{
    private readonly StreamStats _stats = new();
    private ThrowawayBroker _server = null!;
    private NatsConnection _publisher = null!;

    public async Task InitializeAsync()
    {
        _server = await ThrowawayBroker.NatsAsync();
        _publisher = new NatsConnection(new NatsOpts { Url = _server.Url });
        await _publisher.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _publisher.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Core_subject_messages_under_a_wildcard_become_items_JSON_when_they_parse_and_text_otherwise()
    {
        await using var items = Feed(new() { Subject = "orders.>" }).GetAsyncEnumerator();
        Assert.Equal(UpstreamStatus.Connected, Assert.IsType<UpstreamStatus>(await items.NextAsync()).Status);

        await _publisher.PublishAsync("orders.eu.new", Encoding.UTF8.GetBytes("""{"id":1}"""));
        await _publisher.PublishAsync("other.thing", Encoding.UTF8.GetBytes("not for us"));
        await _publisher.PublishAsync("orders.us", Encoding.UTF8.GetBytes("plain words"));

        Assert.Equal(1, Assert.IsType<JsonElement>(await items.NextAsync()).GetProperty("id").GetInt32());
        Assert.Equal("plain words", await items.NextAsync());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_envelope_names_the_subject_and_carries_the_headers_with_the_payload()
    {
        await using var items = Feed(new() { Subject = "orders.*", Envelope = true }).GetAsyncEnumerator();
        await items.NextAsync();

        await _publisher.PublishAsync("orders.eu", Encoding.UTF8.GetBytes("42"), headers: new NatsHeaders { ["trace"] = "abc", ["tag"] = new(["a", "b"]) });

        var envelope = Assert.IsType<JsonElement>(await items.NextAsync());
        Assert.Equal("orders.eu", envelope.GetProperty("subject").GetString());
        Assert.Equal(42, envelope.GetProperty("payload").GetInt32());
        Assert.Equal("abc", envelope.GetProperty("headers").GetProperty("trace").GetString());
        Assert.Equal(["a", "b"], envelope.GetProperty("headers").GetProperty("tag").EnumerateArray().Select(v => v.GetString()));
    }

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData("All", new[] { 1, 2, 3 })]
    [InlineData("Last", new[] { 3 })]
    [InlineData("2", new[] { 2, 3 })]
    [InlineData("New", new int[0])]
    public async Task A_JetStream_stream_is_read_from_where_Start_says_then_goes_on_with_new_messages(string start, int[] first)
    {
        var js = new NatsJSContext(_publisher);
        await js.CreateStreamAsync(new StreamConfig("ORDERS", ["orders.>"]));
        for (var n = 1; n <= 3; n++)
        {
            (await js.PublishAsync($"orders.{n}", Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""))).EnsureSuccess();
        }

        await using var items = Feed(new() { Subject = "orders.>", Stream = "ORDERS", Start = start }).GetAsyncEnumerator();
        await items.NextAsync();
        var seen = new List<int>();
        foreach (var _ in first)
        {
            seen.Add(Assert.IsType<JsonElement>(await items.NextAsync()).GetProperty("n").GetInt32());
        }

        (await js.PublishAsync("orders.4", Encoding.UTF8.GetBytes("""{"n":4}"""))).EnsureSuccess();
        seen.Add(Assert.IsType<JsonElement>(await items.NextAsync()).GetProperty("n").GetInt32());

        Assert.Equal([.. first, 4], seen);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_JetStream_feed_reads_only_its_subject_from_a_stream_of_several()
    {
        var js = new NatsJSContext(_publisher);
        await js.CreateStreamAsync(new StreamConfig("ALL", ["orders.>", "audit.>"]));
        (await js.PublishAsync("audit.x", Encoding.UTF8.GetBytes("audit"))).EnsureSuccess();
        (await js.PublishAsync("orders.x", Encoding.UTF8.GetBytes("order"))).EnsureSuccess();

        var items = await Feed(new() { Subject = "orders.*", Stream = "ALL", Start = "All", Envelope = true }).TakeAsync(2);

        var envelope = Assert.IsType<JsonElement>(items[1]);
        Assert.Equal("order", envelope.GetProperty("payload").GetString());
        Assert.Equal("ALL", envelope.GetProperty("stream").GetString());
        Assert.Equal("2", envelope.GetProperty("seq").GetString());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_JetStream_feed_resumes_after_its_kept_position_and_reports_messages_the_stream_removed_meanwhile()
    {
        var js = new NatsJSContext(_publisher);
        await js.CreateStreamAsync(new StreamConfig("ORDERS", ["orders.>"]) { MaxMsgs = 3 });
        for (var n = 1; n <= 8; n++)
        {
            (await js.PublishAsync("orders.x", Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""))).EnsureSuccess();
        }

        // The feed last kept message 2; the stream now holds only 6 to 8.
        var feed = Settings(new() { Subject = "orders.>", Stream = "ORDERS", Start = "All" });
        var items = await TestCatalogs.Create(_stats, feed).ReadFromAsync(feed, SourcePosition.Compose(feed, "2"), TestTimeouts.TestToken()).TakeAsync(5);

        Assert.Equal(UpstreamStatus.Connected, Assert.IsType<UpstreamStatus>(items[0]).Status);
        var sourced = items.Skip(1).Cast<SourcedItem>().ToList();
        var missed = Assert.IsType<UpstreamStatus>(sourced[0].Data);
        Assert.Equal(UpstreamStatus.Missed, missed.Status);
        Assert.Contains("no longer holds messages 3 to 5", missed.Message, StringComparison.Ordinal);
        // The report moves the kept position past the hole, so a producer that takes over does not report it again.
        Assert.Equal(SourcePosition.Compose(feed, "5"), sourced[0].Position);
        Assert.Equal([6, 7, 8], sourced.Skip(1).Select(s => ((JsonElement)s.Data).GetProperty("n").GetInt32()));
        Assert.Equal(["6", "7", "8"], sourced.Skip(1).Select(s => SourcePosition.Read(feed, s.Position)));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_kept_position_from_another_source_is_not_used()
    {
        var js = new NatsJSContext(_publisher);
        await js.CreateStreamAsync(new StreamConfig("ORDERS", ["orders.>"]));
        (await js.PublishAsync("orders.x", Encoding.UTF8.GetBytes("""{"n":1}"""))).EnsureSuccess();
        var feed = Settings(new() { Subject = "orders.>", Stream = "ORDERS", Start = "All" });
        var other = Settings(new() { Subject = "orders.>", Stream = "OTHER" });

        var items = await TestCatalogs.Create(_stats, feed).ReadFromAsync(feed, SourcePosition.Compose(other, "1"), TestTimeouts.TestToken()).TakeAsync(2);

        Assert.Equal(1, ((JsonElement)((SourcedItem)items[1]).Data).GetProperty("n").GetInt32());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_missing_JetStream_stream_is_reported_by_name_and_retried()
    {
        var items = await Feed(new() { Subject = "orders.>", Stream = "NOPE" }).TakeAsync(2);

        var down = Assert.IsType<UpstreamStatus>(items[0]);
        Assert.Equal(UpstreamStatus.Disconnected, down.Status);
        Assert.Contains("the JetStream stream NOPE does not exist", down.Message, StringComparison.Ordinal);
        Assert.Equal(UpstreamStatus.Reconnecting, Assert.IsType<UpstreamStatus>(items[1]).Status);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_killed_server_is_reported_and_the_feed_reconnects_when_it_is_back()
    {
        await using var items = Feed(new() { Subject = "ticks" }).GetAsyncEnumerator();
        await items.NextAsync();

        await _server.KillAsync();
        var down = Assert.IsType<UpstreamStatus>(await items.NextAsync());
        Assert.Equal((UpstreamStatus.Disconnected, "the connection to the server was lost"), (down.Status, down.Message));
        await _server.StartAsync();
        await using var publisher = new NatsConnection(new NatsOpts { Url = _server.Url });
        var connected = await items.SkipUntilAsync(i => i is UpstreamStatus { Status: UpstreamStatus.Connected });
        await publisher.PublishAsync("ticks", Encoding.UTF8.GetBytes("after"));

        Assert.Contains("nats://127.0.0.1", ((UpstreamStatus)connected).Message, StringComparison.Ordinal);
        Assert.Equal("after", await items.NextAsync());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Cancelling_the_feed_closes_its_connection_to_the_server()
    {
        using var stop = new CancellationTokenSource();
        await using (var items = Feed(new() { Subject = "ticks" }, stop.Token).GetAsyncEnumerator())
        {
            await items.NextAsync();
            Assert.Equal(1, _server.ClientConnections() - 1);
            await stop.CancelAsync();
        }

        // Only the test's own publisher is left.
        await TestTimeouts.WaitUntilAsync(() => _server.ClientConnections() == 1);
    }

    private IAsyncEnumerable<object> Feed(FeedDefinition settings, CancellationToken cancellationToken = default)
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : TestTimeouts.TestToken();
        return TestCatalogs.Create(_stats, Settings(settings)).ReadAsync(settings, CounterOverrides.None, token);
    }

    private FeedDefinition Settings(FeedDefinition settings)
    {
        settings.Name = "nats-feed";
        settings.Kind = FeedKind.Nats;
        settings.Url = _server.Url;
        settings.ReconnectMinDelay = TimeSpan.FromMilliseconds(20);
        settings.ReconnectMaxDelay = TimeSpan.FromMilliseconds(100);
        return settings;
    }

}
