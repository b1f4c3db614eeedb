using System.Buffers;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;

namespace Tributary.App.Hubs;

/// <summary>
/// Carries a type over MessagePack in the shape System.Text.Json gives it: written as its JSON value converted value
/// for value, read by converting the MessagePack value to JSON and deserializing that. Hub arguments, catalog entries
/// and records therefore have the same names and shapes on both protocols (<c>rate</c>, not <c>Rate</c>), and a
/// client reads them with the JSON contracts it already has.
/// </summary>
internal sealed class JsonBridgeFormatter<T>(JsonSerializerOptions json) : IMessagePackFormatter<T?>
{
    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options)
    {
        using var document = JsonSerializer.SerializeToDocument(value, json);
        JsonMessagePack.Write(ref writer, document.RootElement);
    }

    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonMessagePack.ReadInto(ref reader, writer);
        }

        return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, json);
    }
}
