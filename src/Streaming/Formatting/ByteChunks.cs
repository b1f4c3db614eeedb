using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Tributary.Streaming.Formatting;

/// <summary>Byte-level helpers: turning items into byte chunks and writing chunks live to a stream.</summary>
public static class ByteChunks
{
    /// <summary>
    /// Coerces one item to bytes: a <see cref="string"/> is encoded as UTF-8; <c>byte[]</c>,
    /// <see cref="ReadOnlyMemory{T}"/> and <see cref="Memory{T}"/> of bytes pass through unchanged;
    /// an <see cref="IUtf8SpanFormattable"/> (numbers, dates, GUIDs) is formatted with the invariant culture.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="item">The item.</param>
    /// <returns>The item's bytes.</returns>
    /// <exception cref="NotSupportedException">The item is of another type; map it to one of these first.</exception>
    public static ReadOnlyMemory<byte> ToBytes<T>(T item) => item switch
    {
        null => throw new ArgumentNullException(nameof(item), "A null item cannot be sent as bytes."),
        string text => Encoding.UTF8.GetBytes(text),
        byte[] bytes => bytes,
        ReadOnlyMemory<byte> memory => memory,
        Memory<byte> memory => memory,
        IUtf8SpanFormattable formattable => FormatUtf8(formattable),
        _ => throw new NotSupportedException(
            $"Items of type {item.GetType()} cannot be coerced to bytes. Use string, byte[], ReadOnlyMemory<byte> " +
            "or an IUtf8SpanFormattable, or map each item to one of those first."),
    };

    /// <summary>Coerces every item of <paramref name="items"/> to bytes, as <see cref="ToBytes{T}"/> does.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>One chunk per item.</returns>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> AsByteChunks<T>(
        this IAsyncEnumerable<T> items,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return ToBytes(item);
        }
    }

    /// <summary>Writes every chunk to <paramref name="destination"/> and flushes after each one, so each reaches the reader at once.</summary>
    /// <param name="chunks">The chunks.</param>
    /// <param name="destination">Where they go; left open.</param>
    /// <param name="cancellationToken">Stops the copy (for example the request's abort token).</param>
    /// <returns>A task that completes when the last chunk is flushed.</returns>
    public static async Task WriteLiveAsync(
        this IAsyncEnumerable<ReadOnlyMemory<byte>> chunks,
        Stream destination,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentNullException.ThrowIfNull(destination);
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await destination.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] FormatUtf8(IUtf8SpanFormattable formattable)
    {
        for (var size = 32; ; size *= 2)
        {
            var buffer = new byte[size];
            if (formattable.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture))
            {
                return buffer[..written];
            }
        }
    }
}
