using System.Buffers;
using System.Text.Json;
using Tributary.Streaming.Internal;
using Tributary.Streaming.Records;

namespace Tributary.Streaming.Formatting;

/// <summary>Newline-delimited JSON: one JSON object per line (<c>application/x-ndjson</c>).</summary>
/// <param name="json">Serializes item data; <see langword="null"/> for the web defaults.</param>
public sealed class NdjsonFormatter(JsonSerializerOptions? json = null) : FeedRecordFormatter(json)
{
    /// <inheritdoc/>
    public override string ContentType => "application/x-ndjson; charset=utf-8";

    /// <inheritdoc/>
    public override void WriteItem<T>(FeedItem<T> item, IBufferWriter<byte> output)
    {
        WriteItemJson(item, output);
        Utf8Output.Write(output, "\n"u8);
    }

    /// <inheritdoc/>
    public override void WriteControl(FeedControl control, string? feed, IBufferWriter<byte> output)
    {
        WriteControlJson(control, feed, output);
        Utf8Output.Write(output, "\n"u8);
    }
}
