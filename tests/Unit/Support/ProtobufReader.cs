namespace Tributary.Tests.Unit.Support;

/// <summary>
/// Reads protobuf's wire format, enough for the OTLP messages a receiver gets: each field of a message with its number
/// and either a varint, a fixed-width value or a length-delimited payload (a string, bytes or a nested message).
/// </summary>
internal static class ProtobufReader
{
    public sealed record Field(int Number, ulong Number64, ReadOnlyMemory<byte> Payload)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Payload.Span);

        public string Hex => Convert.ToHexStringLower(Payload.Span);

        public IReadOnlyList<Field> Message => Read(Payload);
    }

    public static IReadOnlyList<Field> Read(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var at = 0;
        var span = message.Span;
        while (at < span.Length)
        {
            var key = Varint(span, ref at);
            var number = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    fields.Add(new Field(number, Varint(span, ref at), default));
                    break;
                case 1:
                    fields.Add(new Field(number, BitConverter.ToUInt64(span.Slice(at, 8)), default));
                    at += 8;
                    break;
                case 2:
                    var length = (int)Varint(span, ref at);
                    fields.Add(new Field(number, 0, message.Slice(at, length)));
                    at += length;
                    break;
                case 5:
                    fields.Add(new Field(number, BitConverter.ToUInt32(span.Slice(at, 4)), default));
                    at += 4;
                    break;
                default:
                    throw new FormatException($"Wire type {key & 7} of field {number} is not one OTLP uses.");
            }
        }

        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
