using System.IO.Compression;

namespace Tributary.Streaming.Compression;

/// <summary>Copies a stream of byte chunks to a destination, compressed and flushed per chunk.</summary>
public static class LiveCompression
{
    /// <summary>
    /// Writes every chunk of <paramref name="chunks"/> compressed to <paramref name="destination"/>, flushing
    /// after each so the reader can decompress it at once, and writes the trailer when the chunks end.
    /// </summary>
    /// <param name="chunks">The chunks; each is flushed on its own.</param>
    /// <param name="destination">Where the compressed bytes go; left open.</param>
    /// <param name="format">gzip or Brotli.</param>
    /// <param name="cancellationToken">Stops the copy (for example the request's abort token).</param>
    /// <returns>A task that completes when the trailer is written. If the source throws or the token is
    /// cancelled, it faults or is cancelled with that outcome; the compressor is freed and no trailer is written.</returns>
    public static async Task CopyCompressedAsync(
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks,
        Stream destination,
        LiveCompressionFormat format,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var writer = new LiveCompressionWriter(destination, format, CompressionLevel.Fastest);
        await using (writer.ConfigureAwait(false))
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteItemAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
