using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// <c>mqtt</c>: a topic filter, over MQTT 3.1.1 or 5. At QoS 1 the session is persistent under a client id that is the
/// same on every instance, so the broker keeps what arrives while no producer is connected and hands it to the next
/// one; a message is acknowledged only once the feed has kept it. At QoS 0 the session is clean: nothing is kept.
/// </summary>
internal static class MqttUpstream
{
    /// <summary>The position of an item from a persistent session: there is one for the next producer to take up.</summary>
    public const string SessionPosition = "session";

    // How long a stopping session waits for the next acknowledgement of what it handed the feed before it disconnects
    // (the PostgreSQL engine commits a batch in milliseconds); anything not acknowledged by then goes again to the next
    // producer, so a database slower than this repeats a few messages on a clean handover.
    private static readonly TimeSpan SettleQuiet = TimeSpan.FromSeconds(1);

    // A DISCONNECT that cannot be sent must not hold the feed's stop.
    private static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The feed's client id: the same on every instance, so the broker's session follows the producer.</summary>
    public static string ClientId(FeedDefinition feed) => feed.ClientId ?? $"tributary-{feed.Name}";

    public static async Task SessionAsync(UpstreamConnection connection, CancellationToken cancellationToken)
    {
        var feed = connection.Feed;
        var persistent = (feed.Qos ?? 1) == 1;
        var inbox = new MqttInbox();
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += inbox.ReceiveAsync;
        client.DisconnectedAsync += e =>
        {
            inbox.Close(new BrokerFailureException("the connection to the server was lost", e.Exception ?? new IOException(e.ReasonString)));
            return Task.CompletedTask;
        };
        var result = await ConnectAsync(client, Options(feed, persistent), cancellationToken);
        try
        {
            await SubscribeAsync(client, feed.Topic!, persistent, cancellationToken);
            await connection.ConnectedAsync();
            if (persistent && connection.Position is not null && !result.IsSessionPresent)
            {
                await connection.EmitAsync(new UpstreamStatus(
                    UpstreamStatus.Missed,
                    $"the broker kept no session for this feed (it expired, or the broker lost it), so messages on {feed.Topic} published while no producer was connected are missing"));
            }

            await ReadAsync(connection, inbox, persistent, cancellationToken);
        }
        finally
        {
            inbox.Close();
            await DisconnectAsync(client, inbox);
        }
    }

    // What the feed keeps from here on is acknowledged before the DISCONNECT, so the broker does not send it again.
    private static async Task DisconnectAsync(IMqttClient client, MqttInbox inbox)
    {
        if (!client.IsConnected)
        {
            return;
        }

        await inbox.SettleAsync(SettleQuiet);
        try
        {
            using var timeout = new CancellationTokenSource(DisconnectTimeout);
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).WaitAsync(DisconnectTimeout);
        }
#pragma warning disable CA1031 // The session is over either way; a failed DISCONNECT must not hide why it ended.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static async Task SubscribeAsync(IMqttClient client, string topic, bool persistent, CancellationToken cancellationToken)
    {
        var wanted = persistent ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce;
        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, wanted).Build(), cancellationToken);
        var granted = result.Items.Single().ResultCode;
        if (persistent && granted != MqttClientSubscribeResultCode.GrantedQoS1 && granted != MqttClientSubscribeResultCode.GrantedQoS2)
        {
            throw new BrokerFailureException(granted == MqttClientSubscribeResultCode.GrantedQoS0
                ? $"the server granted the subscription to {topic} at QoS 0 only, so messages could be lost; the feed asks for QoS 1"
                : $"the server refused the subscription to {topic} ({granted})");
        }

        if (!persistent && granted is not (MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
        {
            throw new BrokerFailureException($"the server refused the subscription to {topic} ({granted})");
        }
    }

    private static async Task ReadAsync(UpstreamConnection connection, MqttInbox inbox, bool persistent, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (received, dropped) = await inbox.ReadAsync(cancellationToken);
            if (dropped > 0)
            {
                await connection.EmitAsync(new UpstreamStatus(
                    UpstreamStatus.Missed, $"{dropped} QoS 0 messages on {connection.Feed.Topic} came faster than the feed could keep them and were dropped"));
            }

            var message = received.ApplicationMessage;
            var acknowledge = inbox.Acknowledgement(received);
            var position = persistent ? SessionPosition : null;
            if (message.Payload.Length > connection.Feed.MaxItemBytes)
            {
                await connection.OversizeAsync($"a message on {message.Topic}", message.Payload.Length, position, acknowledge);
                continue;
            }

            var headers = message.UserProperties?.Select(p => (p.Name, p.ReadValueAsString())).ToList() ?? [];
            var data = new BrokerMessage(message.Payload, [("topic", message.Topic)], headers).ToData(connection.Feed);
            await connection.EmitAsync(data, position, acknowledge);
        }
    }

    private static MqttClientOptions Options(FeedDefinition feed, bool persistent)
    {
        var endpoint = BrokerEndpoint.For(feed);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithClientId(ClientId(feed))
            .WithTimeout(feed.ConnectTimeout);
        if (endpoint.Username is not null || endpoint.Password is not null)
        {
            builder.WithCredentials(endpoint.Username ?? "", endpoint.Password);
        }

        if (endpoint.Tls)
        {
            builder.WithTlsOptions(tls => tls.UseTls());
        }

        if (feed.MqttVersion == "3.1.1")
        {
            builder.WithProtocolVersion(MqttProtocolVersion.V311).WithCleanSession(!persistent);
        }
        else
        {
            builder.WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart(!persistent)
                .WithSessionExpiryInterval(persistent ? (uint)feed.SessionExpiry.TotalSeconds : 0)
                // As many unacknowledged messages as the feed holds while it keeps them.
                .WithReceiveMaximum(256);
        }

        return builder.Build();
    }

    private static async Task<MqttClientConnectResult> ConnectAsync(IMqttClient client, MqttClientOptions options, CancellationToken cancellationToken)
    {
        MqttClientConnectResult result;
        try
        {
            result = await client.ConnectAsync(options, cancellationToken);
        }
        catch (Exception failure) when (failure is MQTTnet.Exceptions.MqttCommunicationException && !cancellationToken.IsCancellationRequested)
        {
            throw new BrokerFailureException("could not connect to the server", failure);
        }

        return result.ResultCode switch
        {
            MqttClientConnectResultCode.Success => result,
            MqttClientConnectResultCode.NotAuthorized or MqttClientConnectResultCode.BadUserNameOrPassword => throw new BrokerFailureException("the server refused the credentials"),
            var code => throw new BrokerFailureException($"the server refused the connection ({code})"),
        };
    }
}
