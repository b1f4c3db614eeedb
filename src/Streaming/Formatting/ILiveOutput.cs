namespace Tributary.Streaming.Formatting;

/// <summary>
/// Where a <see cref="LiveBatchWriter"/> sends bytes: writes may be buffered until <see cref="FlushAsync"/>,
/// which must push everything written so far to the reader (for a compressor, a sync flush).
/// </summary>
public interface ILiveOutput
{
    /// <summary>Writes bytes, possibly buffering them.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="cancellationToken">Cancels the write (for example the request's abort token).</param>
    /// <returns>A task that completes when the bytes are accepted.</returns>
    ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>Pushes every byte written so far to the reader.</summary>
    /// <param name="cancellationToken">Cancels the flush (for example the request's abort token).</param>
    /// <returns>A task that completes when the bytes are on their way.</returns>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
