using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Upstream;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Upstream.Brokers;

/// <summary>The <c>mqtt</c> kind against a real <c>mosquitto</c> of each test's own, with a user and password.</summary>
public sealed class MqttUpstreamTests : IAsyncLifetime
{
    private const string User = "tributary";
    private const string Password = "s3cret-mqtt";
    private readonly StreamStats _stats = new();
    private ThrowawayBroker _server = null!;
    private IMqttClient _publisher = null!;

    public async Task InitializeAsync()
    {
        _server = await ThrowawayBroker.MosquittoAsync(User, Password);
        _publisher = await ConnectPublisherAsync();
    }

    public async Task DisposeAsync()
    {
        _publisher.Dispose();
        await _server.DisposeAsync();
    }

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData("5", 1)]
    [InlineData("3.1.1", 1)]
    [InlineData("5", 0)]
    [InlineData("3.1.1", 0)]
    public async Task Messages_on_a_topic_filter_become_items_on_either_protocol_and_QoS(string version, int qos)
    {
        await using var items = Feed(new() { Topic = "sensors/+/temp", MqttVersion = version, Qos = qos }).GetAsyncEnumerator();
        Assert.Equal(UpstreamStatus.Connected, Assert.IsType<UpstreamStatus>(await items.NextAsync()).Status);

        await PublishAsync("sensors/kitchen/temp", """{"c":21.5}""");
        await PublishAsync("sensors/kitchen/humidity", "40");
        await PublishAsync("sensors/hall/temp", "cold");

        Assert.Equal(21.5, Assert.IsType<JsonElement>(await items.NextAsync()).GetProperty("c").GetDouble());
        Assert.Equal("cold", await items.NextAsync());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_envelope_names_the_topic_and_carries_MQTT_5_user_properties()
    {
        await using var items = Feed(new() { Topic = "sensors/#", Envelope = true }).GetAsyncEnumerator();
        await items.NextAsync();

        await _publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("sensors/a").WithPayload("7").WithUserProperty("unit", "C"u8.ToArray()).Build());

        var envelope = Assert.IsType<JsonElement>(await items.NextAsync());
        Assert.Equal("sensors/a", envelope.GetProperty("topic").GetString());
        Assert.Equal(7, envelope.GetProperty("payload").GetInt32());
        Assert.Equal("C", envelope.GetProperty("headers").GetProperty("unit").GetString());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task At_QoS_1_what_is_published_while_the_feed_is_stopped_arrives_when_it_starts_again()
    {
        var settings = new FeedDefinition { Topic = "orders/#" };
        using (var stop = new CancellationTokenSource())
        {
            await using var first = Feed(settings, stop.Token).GetAsyncEnumerator();
            await first.NextAsync();
            await PublishAsync("orders/1", "one");
            Assert.Equal("one", await first.NextAsync());
            await stop.CancelAsync();
        }

        await TestTimeouts.WaitUntilAsync(() => _server.ClientConnections() == 1);
        await PublishAsync("orders/2", "two while stopped");

        await using var again = Feed(settings).GetAsyncEnumerator();
        await again.NextAsync();
        Assert.Equal("two while stopped", await again.NextAsync());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_wrong_password_is_reported_as_refused_credentials_without_showing_it()
    {
        var items = await Feed(new() { Topic = "x", Password = "wrong-one" }).TakeAsync(1);

        var down = Assert.IsType<UpstreamStatus>(items[0]);
        Assert.Equal(UpstreamStatus.Disconnected, down.Status);
        Assert.Contains("the server refused the credentials", down.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-one", down.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_killed_server_is_reported_and_the_feed_reconnects_when_it_is_back()
    {
        await using var items = Feed(new() { Topic = "ticks", Qos = 0 }).GetAsyncEnumerator();
        await items.NextAsync();

        await _server.KillAsync();
        var down = Assert.IsType<UpstreamStatus>(await items.NextAsync());
        Assert.Equal((UpstreamStatus.Disconnected, "the connection to the server was lost"), (down.Status, down.Message));
        await _server.StartAsync();
        await items.SkipUntilAsync(i => i is UpstreamStatus { Status: UpstreamStatus.Connected });
        using var publisher = await ConnectPublisherAsync();
        await publisher.PublishStringAsync("ticks", "after");

        Assert.Equal("after", await items.NextAsync());
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_session_the_broker_lost_is_reported_as_missed_messages()
    {
        await using var items = Feed(new() { Topic = "ticks" }).GetAsyncEnumerator();
        await items.NextAsync();
        await PublishAsync("ticks", "kept");
        Assert.Equal("kept", await items.NextAsync());

        // This broker keeps sessions in memory only: a restart loses the feed's session and what it would have queued.
        await _server.KillAsync();
        await _server.StartAsync();

        var missed = (UpstreamStatus)await items.SkipUntilAsync(i => i is UpstreamStatus { Status: UpstreamStatus.Missed });
        Assert.Contains("kept no session", missed.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task At_QoS_1_a_message_the_engine_never_acknowledged_is_sent_again_to_the_next_session()
    {
        var feed = Settings(new() { Topic = "orders/#" });
        using (var stop = new CancellationTokenSource())
        {
            await using var first = TestCatalogs.Create(_stats, feed).ReadFromAsync(feed, null, stop.Token).GetAsyncEnumerator();
            await first.NextAsync();
            await PublishAsync("orders/1", "kept but never acknowledged");
            var item = Assert.IsType<SourcedItem>(await first.NextAsync());
            Assert.Equal("kept but never acknowledged", item.Data);
            await stop.CancelAsync();
        }

        await TestTimeouts.WaitUntilAsync(() => _server.ClientConnections() == 1);
        await using var again = TestCatalogs.Create(_stats, feed).ReadFromAsync(feed, null, TestTimeouts.TestToken()).GetAsyncEnumerator();
        await again.NextAsync();
        var redelivered = Assert.IsType<SourcedItem>(await again.NextAsync());
        await redelivered.AcknowledgeAsync();

        Assert.Equal("kept but never acknowledged", redelivered.Data);
    }

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_feed_flooded_while_nobody_reads_it_still_stops_and_closes_its_connection(int qos)
    {
        using var stop = new CancellationTokenSource();
        await using (var items = Feed(new() { Topic = "flood", Qos = qos }, stop.Token).GetAsyncEnumerator())
        {
            await items.NextAsync();
            var level = qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce;
            for (var i = 0; i < 2000; i++)
            {
                await _publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("flood").WithPayload($"{i}").WithQualityOfServiceLevel(level).Build());
            }

            await stop.CancelAsync();
        }

        await TestTimeouts.WaitUntilAsync(() => _server.ClientConnections() == 1);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task QoS_0_messages_that_come_faster_than_the_feed_keeps_them_are_dropped_and_reported()
    {
        await using var items = Feed(new() { Topic = "flood", Qos = 0 }).GetAsyncEnumerator();
        await items.NextAsync();
        // 60 MB while the feed is not read: far more than the 16 MiB it holds for QoS 0, plus what its stream buffers.
        var payload = new string('x', 20_000);
        for (var i = 0; i < 3000; i++)
        {
            await _publisher.PublishStringAsync("flood", payload);
        }

        var missed = (UpstreamStatus)await items.SkipUntilAsync(i => i is UpstreamStatus { Status: UpstreamStatus.Missed });

        Assert.Matches("^[0-9]+ QoS 0 messages on flood came faster than the feed could keep them and were dropped$", missed.Message);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Cancelling_the_feed_closes_its_connection_to_the_server()
    {
        using var stop = new CancellationTokenSource();
        await using (var items = Feed(new() { Topic = "ticks" }, stop.Token).GetAsyncEnumerator())
        {
            await items.NextAsync();
            Assert.Equal(2, _server.ClientConnections());
            await stop.CancelAsync();
        }

        await TestTimeouts.WaitUntilAsync(() => _server.ClientConnections() == 1);
    }

    private async Task<IMqttClient> ConnectPublisherAsync()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _server.Port).WithCredentials(User, Password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        return client;
    }

    private Task<MqttClientPublishResult> PublishAsync(string topic, string payload) =>
        _publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    private IAsyncEnumerable<object> Feed(FeedDefinition settings, CancellationToken cancellationToken = default)
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : TestTimeouts.TestToken();
        return TestCatalogs.Create(_stats, Settings(settings)).ReadAsync(settings, CounterOverrides.None, token);
    }

    private FeedDefinition Settings(FeedDefinition settings)
    {
        settings.Name = "mqtt-feed";
        settings.Kind = FeedKind.Mqtt;
        settings.Url = _server.Url;
        settings.Username ??= User;
        settings.Password ??= Password;
        settings.ReconnectMinDelay = TimeSpan.FromMilliseconds(20);
        settings.ReconnectMaxDelay = TimeSpan.FromMilliseconds(100);
        return settings;
    }

}
