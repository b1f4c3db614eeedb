using System.Buffers;

namespace Tributary.Streaming.Internal;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> of bytes whose array comes from <see cref="ArrayPool{T}.Shared"/> and goes
/// back to it on <see cref="Reset"/>. A live stream holds a batch only between formatting and flushing it, so
/// ten thousand idle streams hold no batch memory at all, where an <see cref="ArrayBufferWriter{T}"/> would keep
/// its array for the stream's whole life.
/// </summary>
internal sealed class PooledBufferWriter(int initialCapacity) : IBufferWriter<byte>
{
    private byte[]? _buffer;
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_buffer is null || _written + count > _buffer.Length)
        {
            throw new InvalidOperationException("Cannot advance past the end of the buffer.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint).AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).AsSpan(_written);

    /// <summary>Forgets what was written and returns the array to the pool.</summary>
    public void Reset()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _written = 0;
    }

    // Called for every record: the common case, room left in the current array, stays small enough to inline.
    private byte[] Room(int sizeHint) =>
        _buffer is { } buffer && buffer.Length - _written >= Math.Max(sizeHint, 1) ? buffer : Ensure(sizeHint);

    private byte[] Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(needed, initialCapacity));
        }
        else if (needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer;
    }
}
