using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using StackExchange.Redis;

namespace Tributary.Load;

/// <summary>
/// One message-system kind as the broker mode measures it: the feed's settings, and a publisher that sends numbered
/// JSON messages to the broker with up to <see cref="Window"/> publishes in flight (each confirmed where the protocol
/// confirms: a JetStream ack, an MQTT PUBACK, a Redis reply).
/// </summary>
internal sealed class BrokerSource(string name, string[] feedSettings, Func<string, Task> publish, Func<ValueTask> dispose) : IAsyncDisposable
{
    public const int Window = 256;

    public string Name { get; } = name;

    /// <summary>The feed's catalog entry (without its name), as command-line settings for index <paramref name="index"/>.</summary>
    public IEnumerable<string> Settings(int index, string feed) =>
        [$"--Feeds:{index}:Name={feed}", .. feedSettings.Select(s => $"--Feeds:{index}:{s}")];

    public Task PublishAsync(string json) => publish(json);

    public ValueTask DisposeAsync() => dispose();

    public static async Task<BrokerSource> JetStreamAsync(string url, string stream)
    {
        var nats = new NatsConnection(new NatsOpts { Url = url });
        var js = new NatsJSContext(nats);
        await js.CreateStreamAsync(new StreamConfig(stream, [$"{stream.ToLowerInvariant()}.>"]));
        return new BrokerSource("nats, JetStream", ["Kind=nats", $"Url={url}", $"Subject={stream.ToLowerInvariant()}.>", $"Stream={stream}"],
            async json => (await js.PublishAsync($"{stream.ToLowerInvariant()}.x", Encoding.UTF8.GetBytes(json))).EnsureSuccess(), nats.DisposeAsync);
    }

    public static async Task<BrokerSource> CoreNatsAsync(string url, string subject)
    {
        var nats = new NatsConnection(new NatsOpts { Url = url });
        await nats.ConnectAsync();
        return new BrokerSource("nats, core", ["Kind=nats", $"Url={url}", $"Subject={subject}"],
            json => nats.PublishAsync(subject, Encoding.UTF8.GetBytes(json)).AsTask(), nats.DisposeAsync);
    }

    public static async Task<BrokerSource> MqttAsync(string host, int port, string topic, int qos)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId($"load-{topic}").Build());
        var level = qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce;
        return new BrokerSource($"mqtt, QoS {qos}", ["Kind=mqtt", $"Url=mqtt://{host}:{port}", $"Topic={topic}/#", $"Qos={qos}", $"ClientId=load-feed-{topic}"],
            json => client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{topic}/x").WithPayload(json).WithQualityOfServiceLevel(level).Build()),
            () =>
            {
                client.Dispose();
                return ValueTask.CompletedTask;
            });
    }

    public static async Task<BrokerSource> RedisStreamAsync(string host, int port, string key)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync($"{host}:{port}");
        return new BrokerSource("redis, stream", ["Kind=redis", $"Url=redis://{host}:{port}", $"Stream={key}"],
            json => redis.GetDatabase().StreamAddAsync(key, "data", json), redis.DisposeAsync);
    }

    public static async Task<BrokerSource> RedisChannelAsync(string host, int port, string channel)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync($"{host}:{port}");
        return new BrokerSource("redis, pub/sub", ["Kind=redis", $"Url=redis://{host}:{port}", $"Channel={channel}"],
            json => redis.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), json), redis.DisposeAsync);
    }
}
