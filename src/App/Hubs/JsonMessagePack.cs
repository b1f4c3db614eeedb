using System.Text.Json;
using MessagePack;

namespace Tributary.App.Hubs;

/// <summary>
/// JSON values to MessagePack and back, value for value: objects are maps with string keys, arrays are arrays,
/// numbers are integers when they are whole and fit, doubles otherwise (text beyond a double's range). This is what keeps the MessagePack protocol's
/// payloads the same shape as the JSON protocol's, whatever the feed's data is.
/// </summary>
internal static class JsonMessagePack
{
    /// <summary>The deepest nesting either direction follows; beyond it, a value is refused.</summary>
    public const int MaxDepth = 64;

    public static void Write(ref MessagePackWriter writer, JsonElement value, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new MessagePackSerializationException($"JSON nested deeper than {MaxDepth} levels.");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteMapHeader(value.GetPropertyCount());
                foreach (var property in value.EnumerateObject())
                {
                    writer.Write(property.Name);
                    Write(ref writer, property.Value, depth + 1);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(value.GetArrayLength());
                foreach (var element in value.EnumerateArray())
                {
                    Write(ref writer, element, depth + 1);
                }

                break;
            case JsonValueKind.String:
                writer.Write(value.GetString());
                break;
            case JsonValueKind.Number:
                WriteNumber(ref writer, value);
                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    /// <summary>Reads one MessagePack value of any type and writes it as JSON.</summary>
    public static void ReadInto(ref MessagePackReader reader, Utf8JsonWriter json, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new MessagePackSerializationException($"MessagePack nested deeper than {MaxDepth} levels.");
        }

        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Map:
                var properties = reader.ReadMapHeader();
                json.WriteStartObject();
                for (var i = 0; i < properties; i++)
                {
                    json.WritePropertyName(KeyOf(ref reader));
                    ReadInto(ref reader, json, depth + 1);
                }

                json.WriteEndObject();
                break;
            case MessagePackType.Array:
                var elements = reader.ReadArrayHeader();
                json.WriteStartArray();
                for (var i = 0; i < elements; i++)
                {
                    ReadInto(ref reader, json, depth + 1);
                }

                json.WriteEndArray();
                break;
            case MessagePackType.String:
                json.WriteStringValue(reader.ReadString());
                break;
            case MessagePackType.Integer:
                ReadInteger(ref reader, json);
                break;
            case MessagePackType.Float:
                json.WriteNumberValue(FiniteDouble(ref reader));
                break;
            case MessagePackType.Boolean:
                json.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Nil:
                reader.ReadNil();
                json.WriteNullValue();
                break;
            case MessagePackType.Extension when IsTimestamp(reader):
                // As the JSON protocol writes times: an ISO 8601 string in UTC.
                json.WriteStringValue(reader.ReadDateTime());
                break;
            case MessagePackType.Binary:
                json.WriteBase64StringValue(reader.ReadBytes() is { } bytes ? System.Buffers.BuffersExtensions.ToArray(bytes) : []);
                break;
            default:
                throw new MessagePackSerializationException($"MessagePack type {reader.NextMessagePackType} has no JSON equivalent.");
        }
    }

    private static bool IsTimestamp(MessagePackReader peek) =>
        peek.ReadExtensionFormatHeader().TypeCode == ReservedMessagePackExtensionTypeCode.DateTime;

    private static string KeyOf(ref MessagePackReader reader) => reader.NextMessagePackType switch
    {
        MessagePackType.String => reader.ReadString() ?? "",
        MessagePackType.Integer => reader.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
        var other => throw new MessagePackSerializationException($"A map key of type {other}: only strings and integers can be JSON property names."),
    };

    // Integers that fit 64 bits stay exact; any other number is a double, as a JavaScript JSON reader would read it.
    // A number beyond a double's range has no MessagePack number for it, so it travels as its text.
    private static void WriteNumber(ref MessagePackWriter writer, JsonElement value)
    {
        if (value.TryGetInt64(out var whole))
        {
            writer.Write(whole);
        }
        else if (value.TryGetUInt64(out var large))
        {
            writer.Write(large);
        }
        else if (value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            writer.Write(number);
        }
        else
        {
            writer.Write(value.GetRawText());
        }
    }

    private static double FiniteDouble(ref MessagePackReader reader)
    {
        var number = reader.ReadDouble();
        return double.IsFinite(number)
            ? number
            : throw new MessagePackSerializationException($"The number {number} has no JSON equivalent.");
    }

    private static void ReadInteger(ref MessagePackReader reader, Utf8JsonWriter json)
    {
        // Only a uint64 above long.MaxValue needs the unsigned read; its first byte says so.
        if (reader.NextCode == MessagePackCode.UInt64)
        {
            json.WriteNumberValue(reader.ReadUInt64());
        }
        else
        {
            json.WriteNumberValue(reader.ReadInt64());
        }
    }
}
