using System.IO.Compression;
using Tributary.Streaming.Formatting;
using Tributary.Streaming.Internal;

namespace Tributary.Streaming.Compression;

/// <summary>
/// Compresses a live stream so that what was written reaches the reader at every <see cref="FlushAsync"/>:
/// the compressor does a sync flush, which emits all its compressed bytes on a byte boundary without
/// ending the stream, and then flushes the destination. <see cref="LiveBatchWriter"/> flushes whenever the
/// next item is not ready, so an idle stream's items each arrive at once.
/// </summary>
/// <remarks>
/// Call <see cref="CompleteAsync"/> on normal completion to write the trailer. Disposing without completing
/// (the source failed or was cancelled) frees the compressor and writes no trailer, so the reader sees a
/// truncated stream rather than one that looks complete. The destination is never closed.
/// </remarks>
public sealed class LiveCompressionWriter : ILiveOutput, IAsyncDisposable
{
    private readonly Stream _destination;
    private readonly DetachableStream _sink;
    private readonly Stream _compressor;
    private bool _completed;
    private bool _disposed;

    /// <summary>Starts a compressed stream on <paramref name="destination"/>.</summary>
    /// <param name="destination">Where the compressed bytes go; left open.</param>
    /// <param name="format">gzip or Brotli.</param>
    /// <param name="level">The compression level; the default favours latency.</param>
    public LiveCompressionWriter(Stream destination, LiveCompressionFormat format, CompressionLevel level = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _destination = destination;
        _sink = new DetachableStream(destination);
        _compressor = format switch
        {
            LiveCompressionFormat.Gzip => new GZipStream(_sink, level, leaveOpen: true),
            LiveCompressionFormat.Brotli => new BrotliStream(_sink, level, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown compression format."),
        };
    }

    /// <summary>Compresses bytes without flushing: they may stay in the compressor until <see cref="FlushAsync"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the compressor has taken the bytes.</returns>
    /// <exception cref="InvalidOperationException">The writer was completed or disposed.</exception>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        return _compressor.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>Sync-flushes the compressor and the destination, so the reader can decompress everything written so far.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the destination is flushed.</returns>
    /// <exception cref="InvalidOperationException">The writer was completed or disposed.</exception>
    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        // Flush on a compression stream is a sync flush, and it also flushes the stream beneath.
        return new ValueTask(_compressor.FlushAsync(cancellationToken));
    }

    /// <summary>Writes the trailer (for gzip, the CRC-32 and length) and flushes the destination.</summary>
    /// <param name="cancellationToken">Cancels the final flush.</param>
    /// <returns>A task that completes when the trailer is flushed.</returns>
    /// <exception cref="InvalidOperationException">The writer was already completed or disposed.</exception>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        _completed = true;
        await _compressor.DisposeAsync().ConfigureAwait(false);
        await _destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Frees the compressor. If <see cref="CompleteAsync"/> was not called, no trailer is written.
    /// </summary>
    /// <returns>A task that completes when the compressor is freed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_completed)
        {
            _sink.Detach();
            await _compressor.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void ThrowIfClosed()
    {
        if (_completed || _disposed)
        {
            throw new InvalidOperationException("This compressed stream has been completed or disposed; start a new LiveCompressionWriter.");
        }
    }
}
