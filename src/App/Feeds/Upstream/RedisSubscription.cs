using System.Threading.Channels;
using StackExchange.Redis;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// A pub/sub subscription with a bounded buffer. The client hands messages over on its own thread, and pub/sub
/// cannot be slowed down or replayed: when the feed falls behind by <see cref="Capacity"/> messages, newer ones are
/// dropped and counted, and the count is told with the next message. A dropped connection ends the reading.
/// </summary>
internal sealed class RedisSubscription(ISubscriber subscriber, RedisChannel channel, CancellationToken lost) : IAsyncDisposable
{
    public const int Capacity = 1024;

    private readonly Channel<(string Channel, byte[] Payload)> _messages = Channel.CreateBounded<(string, byte[])>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private long _dropped;

    public Task StartAsync() => subscriber.SubscribeAsync(channel, OnMessage);

    /// <summary>The next message, with how many were dropped before it.</summary>
    public async ValueTask<(string Channel, byte[] Payload, long Missed)> ReadAsync(CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lost);
        (string Channel, byte[] Payload) message;
        try
        {
            message = await _messages.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BrokerFailureException("the connection to the server was lost");
        }

        return (message.Channel, message.Payload, Interlocked.Exchange(ref _dropped, 0));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await subscriber.UnsubscribeAsync(channel, OnMessage);
        }
        catch (Exception failure) when (failure is RedisException or ObjectDisposedException)
        {
            // The connection is gone, and the subscription with it.
        }
    }

    private void OnMessage(RedisChannel from, RedisValue value)
    {
        if (!_messages.Writer.TryWrite((from.ToString(), (byte[])value!)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }
}
