using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Records;

namespace Tributary.App.Hubs;

/// <summary>
/// Writes hub stream items over MessagePack as the JSON protocol's record, key for key (<c>feed</c>, <c>seq</c>,
/// <c>epoch</c>, <c>ts</c>, <c>type</c>, <c>data</c>), with the time as a MessagePack timestamp (a <c>Date</c> in the
/// JavaScript client, a <c>DateTime</c> in .NET) and the data converted from its JSON value for value.
/// </summary>
/// <remarks>
/// An item that many readers share (one with <see cref="FeedItem{T}.RecordJson"/>) is encoded once and its bytes
/// copied for every reader after the first, as the HTTP formats copy its JSON. Write-only, like the JSON converter.
/// </remarks>
internal sealed class FeedItemMessagePackFormatter(Action<long>? countBytes = null) : IMessagePackFormatter<FeedItem<object>?>
{
    // Keyed by the shared item itself, so an encoding lives exactly as long as the item does.
    private readonly ConditionalWeakTable<FeedItem<object>, byte[]> _shared = [];

    private const int KeptBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public void Serialize(ref MessagePackWriter writer, FeedItem<object>? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var bytes = value.RecordJson.IsEmpty ? Encode(value) : _shared.GetValue(value, static item => Encode(item).ToArray());
        writer.WriteRaw(bytes);
        countBytes?.Invoke(bytes.Length);
        if (t_buffer is { Capacity: > KeptBufferBytes })
        {
            // One huge item must not stay pinned to every thread that ever wrote one.
            t_buffer = null;
        }
    }

    public FeedItem<object>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        throw new NotSupportedException("The feed hub only writes feed items; read them into your own type.");

    // Into this thread's buffer: the bytes are copied out before the thread encodes anything else.
    private static ReadOnlySpan<byte> Encode(FeedItem<object> item)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = new MessagePackWriter(buffer);
        var type = TypeOf(item.Data);
        writer.WriteMapHeader(4 + (item.Epoch is null ? 0 : 1) + (type is null ? 0 : 1));
        writer.Write("feed");
        writer.Write(item.Feed);
        writer.Write("seq");
        writer.Write(item.Sequence);
        if (item.Epoch is { } epoch)
        {
            writer.Write("epoch");
            writer.Write(epoch);
        }

        writer.Write("ts");
        writer.Write(item.Timestamp.UtcDateTime);
        if (type is not null)
        {
            writer.Write("type");
            writer.Write(type);
        }

        writer.Write("data");
        WriteData(ref writer, item);
        writer.Flush();
        return buffer.WrittenSpan;
    }

    private static string? TypeOf(object? data) => data switch
    {
        FeedControl control => control.Type,
        UpstreamStatus => "status",
        _ => null,
    };

    private static void WriteData(ref MessagePackWriter writer, FeedItem<object> item)
    {
        if (item.Data is JsonElement element)
        {
            JsonMessagePack.Write(ref writer, element);
        }
        else if (!item.DataJson.IsEmpty)
        {
            using var document = JsonDocument.Parse(item.DataJson);
            JsonMessagePack.Write(ref writer, document.RootElement);
        }
        else if (item.Data is { } data)
        {
            using var document = JsonSerializer.SerializeToDocument(data, data.GetType(), FeedJson.Options);
            JsonMessagePack.Write(ref writer, document.RootElement);
        }
        else
        {
            writer.WriteNil();
        }
    }
}
