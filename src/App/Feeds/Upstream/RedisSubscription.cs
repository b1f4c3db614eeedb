using StackExchange.Redis;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// A pub/sub subscription with a bounded buffer. The client queues messages in order without bound, and pub/sub can
/// neither be slowed down nor replayed, so a pump owned by this subscription moves them, in order, into a
/// <see cref="DroppingBuffer{T}"/>: when the feed falls too far behind, newer messages are dropped and counted, and the
/// count is told with the next message. A dropped connection ends the reading.
/// </summary>
internal sealed class RedisSubscription : IAsyncDisposable
{
    // Unsubscribing tells the server, which a dead connection cannot: the session's end must not wait on it.
    private static readonly TimeSpan UnsubscribeTimeout = TimeSpan.FromSeconds(1);

    private readonly DroppingBuffer<(string Channel, byte[] Payload)> _messages = new();

    private readonly CancellationTokenSource _stop = new();
    private readonly ChannelMessageQueue _queue;
    private readonly CancellationToken _lost;
    private readonly Task _pump;

    private RedisSubscription(ChannelMessageQueue queue, CancellationToken lost)
    {
        _queue = queue;
        _lost = lost;
        _pump = PumpAsync(_stop.Token);
    }

    public static async Task<RedisSubscription> StartAsync(ISubscriber subscriber, RedisChannel channel, CancellationToken lost) =>
        new(await subscriber.SubscribeAsync(channel), lost);

    /// <summary>The next message, with how many were dropped before it.</summary>
    public async ValueTask<(string Channel, byte[] Payload, long Missed)> ReadAsync(CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lost);
        try
        {
            var ((channel, payload), dropped) = await _messages.ReadAsync(either.Token);
            return (channel, payload, dropped);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BrokerFailureException("the connection to the server was lost");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        try
        {
            await _queue.UnsubscribeAsync().WaitAsync(UnsubscribeTimeout);
        }
        catch (Exception failure) when (failure is RedisException or ObjectDisposedException or TimeoutException)
        {
            // The connection is gone or stuck; closing it drops the subscription with it.
        }

        _stop.Dispose();
    }

    private async Task PumpAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                var message = await _queue.ReadAsync(stop);
                var payload = (byte[])message.Message!;
                _messages.Add((message.Channel.ToString(), payload), payload.Length);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Whatever ended the client's queue ends the session, told to the reader, not thrown here.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            _messages.Close(new BrokerFailureException("the server ended the subscription", failure));
        }
    }
}
