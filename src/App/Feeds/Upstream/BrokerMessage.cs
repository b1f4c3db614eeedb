using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// A message from a message system, as item data: its payload (JSON when it parses, else text) or, for a feed with
/// <c>Envelope</c>, an object with the payload, where it came from and its headers.
/// </summary>
/// <param name="Payload">The message's bytes.</param>
/// <param name="Source">Where it came from, e.g. <c>("subject", "orders.eu")</c>, <c>("id", "1700000000000-0")</c>.</param>
/// <param name="Headers">NATS headers, MQTT 5 user properties or a Redis stream entry's other fields; empty when none.</param>
internal readonly record struct BrokerMessage(ReadOnlySequence<byte> Payload, IReadOnlyList<(string Name, string Value)> Source, IReadOnlyList<(string Name, string Value)> Headers)
{
    // Decoding replaces bytes that are not UTF-8 rather than failing: a bad payload is still shown.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public long Length => Payload.Length;

    /// <summary>The item data for <paramref name="feed"/>.</summary>
    public object ToData(FeedDefinition feed)
    {
        var payload = UpstreamPayload.FromText(Utf8.GetString(Payload));
        return feed.Envelope ? Envelope(payload) : payload;
    }

    private JsonElement Envelope(object payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in Source)
            {
                writer.WriteString(name, value);
            }

            if (Headers.Count > 0)
            {
                WriteHeaders(writer);
            }

            writer.WritePropertyName("payload");
            if (payload is JsonElement json)
            {
                json.WriteTo(writer);
            }
            else
            {
                writer.WriteStringValue((string)payload);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    // A header may repeat (NATS, MQTT user properties): its values are then an array, so names stay unique.
    private void WriteHeaders(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("headers");
        foreach (var header in Headers.GroupBy(h => h.Name, StringComparer.Ordinal))
        {
            if (header.Count() == 1)
            {
                writer.WriteString(header.Key, header.First().Value);
                continue;
            }

            writer.WriteStartArray(header.Key);
            foreach (var (_, value) in header)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
