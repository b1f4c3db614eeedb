using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// A buffer between a message system that cannot be held back (Redis pub/sub, MQTT QoS 0) and the feed: it takes a
/// burst of up to <see cref="MaxMessages"/> messages or <see cref="MaxBytes"/> bytes, and when the feed falls that far
/// behind it drops what comes and counts it, so memory stays bounded and readers are told what they missed. Messages the
/// source does hold back (MQTT QoS 1 beside QoS 0 on one subscription) go in with <see cref="AddHeldBack"/>, in the same
/// order, never dropped: their source bounds them.
/// </summary>
/// <typeparam name="T">A message.</typeparam>
internal sealed class DroppingBuffer<T>
{
    public const int MaxMessages = 16 * 1024;
    public const long MaxBytes = 16 * 1024 * 1024;

    private readonly Channel<(T Message, long Bytes)> _messages = Channel.CreateUnbounded<(T, long)>(new UnboundedChannelOptions { SingleReader = true });
    private long _count;
    private long _bytes;
    private long _dropped;

    /// <summary>Takes <paramref name="message"/> if there is room; else counts it as dropped.</summary>
    public void Add(T message, long bytes)
    {
        // An empty buffer takes any message, so one larger than the bound is still read (and reported as oversize).
        var count = Interlocked.Read(ref _count);
        if ((count > 0 && (count >= MaxMessages || Interlocked.Read(ref _bytes) + bytes > MaxBytes)) || !AddHeldBack(message, bytes))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Takes <paramref name="message"/> whatever the bounds (it counts toward them); false once the buffer is closed.</summary>
    public bool AddHeldBack(T message, long bytes)
    {
        if (!_messages.Writer.TryWrite((message, bytes)))
        {
            return false;
        }

        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _bytes, bytes);
        return true;
    }

    /// <summary>Reading ends: with <paramref name="failure"/> once what is buffered is read.</summary>
    public void Close(Exception? failure = null) => _messages.Writer.TryComplete(failure);

    /// <summary>The next message, and how many were dropped before it.</summary>
    /// <exception cref="BrokerFailureException">The buffer was closed with it, and everything before is read.</exception>
    public async ValueTask<(T Message, long Dropped)> ReadAsync(CancellationToken cancellationToken)
    {
        (T, long) next;
        try
        {
            next = await _messages.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException closed) when (closed.InnerException is BrokerFailureException failure)
        {
            ExceptionDispatchInfo.Throw(failure);
            throw;
        }

        var (message, bytes) = next;
        Interlocked.Decrement(ref _count);
        Interlocked.Add(ref _bytes, -bytes);
        return (message, Interlocked.Exchange(ref _dropped, 0));
    }
}
