using System.Buffers;
using System.Globalization;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// <c>nats</c>: a core NATS subject (what is published while connected), or a JetStream stream read through an
/// ordered consumer from a position (each message's stream sequence is the position kept with it). Each session has a
/// connection of its own; the client's own reconnecting is cut short, so this loop reports and backs off as for every
/// upstream.
/// </summary>
internal static class NatsUpstream
{
    public static async Task SessionAsync(UpstreamConnection connection, CancellationToken cancellationToken)
    {
        var feed = connection.Feed;
        // Made before the connection, so it outlives the connection's events, which come on the client's own loop.
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var nats = new NatsConnection(Options(feed));
        nats.ConnectionDisconnected += (_, _) =>
        {
            lost.Cancel();
            return ValueTask.CompletedTask;
        };
        await ConnectAsync(nats, cancellationToken);
        try
        {
            await (feed.Stream is { } stream
                ? ReadStreamAsync(connection, new NatsJSContext(nats), stream, lost.Token)
                : ReadSubjectAsync(connection, nats, lost.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        // Reading ends quietly when the connection drops (the handler above) or the session is cancelled.
        cancellationToken.ThrowIfCancellationRequested();
        throw new BrokerFailureException("the connection to the server was lost");
    }

    private static async Task ReadSubjectAsync(UpstreamConnection connection, NatsConnection nats, CancellationToken cancellationToken)
    {
        await using var subscription = await nats.SubscribeCoreAsync<byte[]>(connection.Feed.Subject!, cancellationToken: cancellationToken);
        // The server handles a connection's messages in order: once it answers the ping, it has the subscription, and
        // readers told the feed is connected get what is published from then on.
        await nats.PingAsync(cancellationToken);
        await connection.ConnectedAsync();
        await foreach (var message in subscription.Msgs.ReadAllAsync(cancellationToken))
        {
            await EmitAsync(connection, message.Subject, message.Data, message.Headers, null, []);
        }
    }

    private static NatsOpts Options(FeedDefinition feed)
    {
        var endpoint = BrokerEndpoint.For(feed);
        // nats://TOKEN@host is how NATS writes a token: a user without a password is one, as a password without a user is.
        var auth = endpoint switch
        {
            { Username: { } user, Password: { } password } => NatsAuthOpts.Default with { Username = user, Password = password },
            { Username: { } token } => NatsAuthOpts.Default with { Token = token },
            { Password: { } token } => NatsAuthOpts.Default with { Token = token },
            _ => NatsAuthOpts.Default,
        };
        return NatsOpts.Default with
        {
            Url = $"nats://{endpoint.Host}:{endpoint.Port}",
            Name = $"tributary-{feed.Name}",
            AuthOpts = auth,
            TlsOpts = endpoint.Tls ? NatsTlsOpts.Default with { Mode = TlsMode.Require } : NatsTlsOpts.Default,
            ConnectTimeout = feed.ConnectTimeout,
            MaxReconnectRetry = 1,
            // A slow feed slows its own connection rather than dropping messages.
            SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
        };
    }

    private static async Task ConnectAsync(NatsConnection nats, CancellationToken cancellationToken)
    {
        try
        {
            var connecting = nats.ConnectAsync().AsTask();
            // Abandoned on cancel (disposing the connection ends it): how it ends is still seen.
            _ = connecting.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            await connecting.WaitAsync(cancellationToken);
        }
        catch (NatsException failure) when (Refused(failure))
        {
            throw new BrokerFailureException("the server refused the credentials", failure);
        }
        catch (NatsException failure)
        {
            throw new BrokerFailureException("could not connect to the server", failure);
        }
    }

    private static bool Refused(Exception failure) =>
        failure.InnerException is NatsServerException { Message: var message } &&
        (message.Contains("Authorization", StringComparison.OrdinalIgnoreCase) || message.Contains("Authentication", StringComparison.OrdinalIgnoreCase));

    private static async Task ReadStreamAsync(UpstreamConnection connection, NatsJSContext js, string stream, CancellationToken cancellationToken)
    {
        var feed = connection.Feed;
        var kept = connection.Position is { } position && ulong.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var at) ? at : (ulong?)null;
        var (first, last) = await SequencesAsync(js, stream, cancellationToken);
        // Start is resolved to a sequence before readers are told the feed is connected, so what is published from then on
        // is read. Last is left to the server, which knows the last message on the subject: one published meanwhile is it.
        var after = kept ?? StartAfter(feed.Start ?? "New", first, last);
        await connection.ConnectedAsync();
        if (kept is { } beyond && last < beyond)
        {
            // The stream's sequence went back: it was deleted and made again. Its messages are all new to the feed.
            after = first == 0 ? 0 : first - 1;
            await connection.EmitAsync(
                new UpstreamStatus(UpstreamStatus.Missed, $"stream {stream} ends at message {last}, before the feed's position {beyond}: it was made anew, so it is read from its start and what the old one held after {beyond} is missing"),
                Sequence(after.Value));
        }
        else if (kept is { } resumed && first > resumed + 1)
        {
            after = first - 1;
            await connection.EmitAsync(
                new UpstreamStatus(UpstreamStatus.Missed, $"stream {stream} no longer holds messages {resumed + 1} to {first - 1} (its limits removed them before they were read): any on {feed.Subject} are missing"),
                Sequence(after.Value));
        }

        var consumer = await js.CreateOrderedConsumerAsync(stream, ConsumerOptions(feed, after), cancellationToken);
        await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: cancellationToken))
        {
            var sequence = Sequence(message.Metadata?.Sequence.Stream ?? 0);
            if (!NatsSubject.Matches(feed.Subject!, message.Subject))
            {
                continue;
            }

            await EmitAsync(connection, message.Subject, message.Data, message.Headers, sequence, [("stream", stream), ("seq", sequence)]);
        }
    }

    private static string Sequence(ulong sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    // The sequence to read after; null for Last and a start time, which the server resolves.
    private static ulong? StartAfter(string start, ulong first, ulong last) => start switch
    {
        "New" => last,
        "All" => first == 0 ? 0 : first - 1,
        "Last" => null,
        _ when BrokerFeedValidator.TryParseStartTime(start, out _) => null,
        _ => ulong.Parse(start, CultureInfo.InvariantCulture) - 1,
    };

    private static async Task<(ulong First, ulong Last)> SequencesAsync(NatsJSContext js, string stream, CancellationToken cancellationToken)
    {
        try
        {
            var info = await js.GetStreamAsync(stream, cancellationToken: cancellationToken);
            return (info.Info.State.FirstSeq, info.Info.State.LastSeq);
        }
        catch (NatsJSApiException failure) when (failure.Error.Code == 404)
        {
            throw new BrokerFailureException($"the JetStream stream {stream} does not exist", failure);
        }
        catch (NatsJSApiException failure)
        {
            throw new BrokerFailureException($"JetStream refused to read stream {stream} (error {failure.Error.ErrCode})", failure);
        }
    }

    private static NatsJSOrderedConsumerOpts ConsumerOptions(FeedDefinition feed, ulong? after)
    {
        var options = NatsJSOrderedConsumerOpts.Default with { FilterSubjects = [feed.Subject!] };
        return after is { } sequence ? options with { DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence, OptStartSeq = sequence + 1 }
            : feed.Start == "Last" ? options with { DeliverPolicy = ConsumerConfigDeliverPolicy.Last }
            : options with { DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime, OptStartTime = StartTime(feed) };
    }

    private static DateTimeOffset StartTime(FeedDefinition feed) =>
        BrokerFeedValidator.TryParseStartTime(feed.Start!, out var time) ? time : throw new InvalidOperationException($"Feed '{feed.Name}' has a Start the catalog's validation should have refused.");

    private static ValueTask EmitAsync(UpstreamConnection connection, string subject, byte[]? data, NatsHeaders? headers, string? position, (string, string)[] source)
    {
        var payload = data ?? [];
        if (payload.Length > connection.Feed.MaxItemBytes)
        {
            return connection.OversizeAsync($"a message on {subject}", payload.Length, position);
        }

        var message = new BrokerMessage(new ReadOnlySequence<byte>(payload), [("subject", subject), .. source], Headers(headers));
        var item = message.ToData(connection.Feed);
        return position is null ? connection.EmitAsync(item) : connection.EmitAsync(item, position);
    }

    private static List<(string, string)> Headers(NatsHeaders? headers) =>
        headers is null ? [] : [.. headers.SelectMany(h => h.Value.Select(v => (h.Key, v ?? "")))];
}
