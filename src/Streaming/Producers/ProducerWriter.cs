using System.Threading.Channels;

namespace Tributary.Streaming.Producers;

/// <summary>
/// What a producer of a <see cref="ScopedProducer{T}"/> writes through. It can only write: completing
/// the stream is the scope's job, done when every producer has returned.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class ProducerWriter<T>
{
    private readonly ChannelWriter<T> _channel;

    internal ProducerWriter(ChannelWriter<T> channel) => _channel = channel;

    /// <summary>
    /// Writes an item, waiting while the channel is full (backpressure).
    /// </summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Pass the producer's token: it is cancelled when the scope tears down.</param>
    /// <returns>A task that completes when the item is in the channel.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting for room.</exception>
    public ValueTask WriteAsync(T item, CancellationToken cancellationToken) => _channel.WriteAsync(item, cancellationToken);
}
