namespace Tributary.Streaming.Internal;

/// <summary>
/// A write-only pass-through that can be cut off. Compressors write their trailer when disposed, and an
/// aborted stream must not get one (a valid trailer would make a truncated body look complete), yet the
/// compressor must still be disposed to free its native state. Detaching first lets both happen.
/// </summary>
internal sealed class DetachableStream(Stream inner) : Stream
{
    private bool _detached;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Drops every later write and flush.</summary>
    public void Detach() => _detached = true;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!_detached)
        {
            inner.Write(buffer);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _detached ? ValueTask.CompletedTask : inner.WriteAsync(buffer, cancellationToken);

    public override void Flush()
    {
        if (!_detached)
        {
            inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _detached ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
