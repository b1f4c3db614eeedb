using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Tributary.Streaming.Internal;
using Tributary.Streaming.Records;

namespace Tributary.Streaming.Formatting;

/// <summary>
/// Server-sent events (<c>text/event-stream</c>): each item is an event whose <c>id</c> is <c>feed:seq</c>
/// (<c>feed:seq@epoch</c> when the item has an epoch),
/// whose <c>event</c> is the feed's name and whose <c>data</c> is the item's JSON record. Control records
/// are events named after their type (<c>event: error</c>, <c>event: shutdown</c>).
/// </summary>
/// <param name="json">Serializes item data; <see langword="null"/> for the web defaults.</param>
public sealed class SseFormatter(JsonSerializerOptions? json = null) : FeedRecordFormatter(json)
{
    /// <inheritdoc/>
    public override string ContentType => "text/event-stream; charset=utf-8";

    /// <inheritdoc/>
    public override void WriteItem<T>(FeedItem<T> item, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(item);
        var position = $"{item.Feed}:{item.Sequence.ToString(CultureInfo.InvariantCulture)}";
        WriteItem(item, item.Epoch is null ? position : $"{position}@{item.Epoch}", output);
    }

    /// <inheritdoc/>
    /// <remarks>The position becomes the event id, so a reconnecting client resumes every feed of the stream.</remarks>
    public override bool CarriesPosition => true;

    /// <inheritdoc/>
    public override void WriteItem<T>(FeedItem<T> item, string position, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(position);
        // Feed names are validated by the catalog to a token charset, so they cannot break a field line.
        Utf8Output.Write(output, "id: "u8);
        Utf8Output.Write(output, position);
        Utf8Output.Write(output, "\nevent: "u8);
        Utf8Output.Write(output, item.Feed);
        Utf8Output.Write(output, "\ndata: "u8);
        WriteItemJson(item, output);
        Utf8Output.Write(output, "\n\n"u8);
    }

    /// <inheritdoc/>
    public override void WriteControl(FeedControl control, string? feed, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(control);
        Utf8Output.Write(output, "event: "u8);
        Utf8Output.Write(output, control.Type);
        Utf8Output.Write(output, "\ndata: "u8);
        WriteControlJson(control, feed, output);
        Utf8Output.Write(output, "\n\n"u8);
    }

    /// <inheritdoc/>
    public override void WriteComment(string text, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(text);
        Utf8Output.Write(output, ": "u8);
        Utf8Output.Write(output, text.ReplaceLineEndings(" "));
        Utf8Output.Write(output, "\n\n"u8);
    }
}
