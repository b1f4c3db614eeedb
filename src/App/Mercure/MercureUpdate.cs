using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tributary.App.Mercure;

/// <summary>
/// One update of the hub, as it is kept: an item of the hub's feed whose data is this record, so every instance and
/// every resume reads back the same topics, privacy and SSE fields.
/// </summary>
/// <param name="Id">The SSE id: the publisher's, or one the hub generated.</param>
/// <param name="Topics">The topics it is about; the first is its canonical topic.</param>
/// <param name="Data">The SSE data, as sent.</param>
/// <param name="Type">The SSE event type, if any.</param>
/// <param name="Retry">The SSE reconnection time in milliseconds, as sent (digits), if any.</param>
/// <param name="Private">Whether only subscribers whose token allows one of its topics may receive it.</param>
internal sealed record MercureUpdate(string Id, IReadOnlyList<string> Topics, string Data, string? Type, string? Retry, bool Private)
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The update as the feed item's data (compact JSON).</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256 + Data.Length);
        using (var json = new Utf8JsonWriter(buffer, Compact))
        {
            json.WriteStartObject();
            json.WriteString("id", Id);
            json.WriteStartArray("topics");
            foreach (var topic in Topics)
            {
                json.WriteStringValue(topic);
            }

            json.WriteEndArray();
            json.WriteString("data", Data);
            if (Type is not null)
            {
                json.WriteString("type", Type);
            }

            if (Retry is not null)
            {
                json.WriteString("retry", Retry);
            }

            if (Private)
            {
                json.WriteBoolean("private", true);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The update an item of the hub's feed holds; null for anything else (the feed is the hub's alone, so only a foreign writer could leave one).</summary>
    public static MercureUpdate? From(object? data)
    {
        if (data is not JsonElement { ValueKind: JsonValueKind.Object } item
            || !item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
            || !item.TryGetProperty("topics", out var topics) || topics.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        // Fields that would break the event stream (a line break in an id, a type or a retry) mean the item was not
        // written by the hub, which refuses them: it is left out rather than injected into every subscriber's stream.
        var text = id.GetString()!;
        var type = Text(item, "type");
        var retry = Text(item, "retry");
        if (text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 || (type is not null && type.AsSpan().IndexOfAny('\r', '\n') >= 0) || (retry is not null && !retry.All(char.IsAsciiDigit)))
        {
            return null;
        }

        return new MercureUpdate(
            text,
            topics.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList(),
            Text(item, "data") ?? "",
            type,
            retry,
            item.TryGetProperty("private", out var isPrivate) && isPrivate.ValueKind == JsonValueKind.True);
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
