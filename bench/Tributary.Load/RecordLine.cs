using System.Buffers.Text;

namespace Tributary.Load;

/// <summary>
/// Reads the fields the broadcast readers need from one NDJSON record, without a JSON parser: a reader of a
/// 1,000 items/s feed among thousands must cost the shared two cores as little as possible.
/// </summary>
internal static class RecordLine
{
    /// <summary>A data record: its <c>seq</c> and its <c>ts</c> in UTC ticks. False for control records.</summary>
    public static bool TryReadItem(ReadOnlySpan<byte> line, out long sequence, out long timestampTicks)
    {
        sequence = 0;
        timestampTicks = 0;
        var seqAt = line.IndexOf("\"seq\":"u8);
        var tsAt = line.IndexOf("\"ts\":\""u8);
        return seqAt >= 0 && tsAt >= 0
            && Utf8Parser.TryParse(line[(seqAt + 6)..], out sequence, out _)
            && TryParseUtc(line[(tsAt + 6)..], out timestampTicks);
    }

    /// <summary>A <c>gap</c> record, which the server sends when a reader fell behind.</summary>
    public static bool IsGap(ReadOnlySpan<byte> line) => line.StartsWith("{\"type\":\"gap\""u8);

    // yyyy-MM-ddTHH:mm:ss[.f{1,7}]Z, as the server writes it.
    private static bool TryParseUtc(ReadOnlySpan<byte> s, out long ticks)
    {
        ticks = 0;
        if (s.Length < 20 || s[10] != (byte)'T')
        {
            return false;
        }

        var time = new DateTime(Digits(s, 0, 4), Digits(s, 5, 2), Digits(s, 8, 2), Digits(s, 11, 2), Digits(s, 14, 2), Digits(s, 17, 2), DateTimeKind.Utc);
        long fraction = 0;
        var digits = 0;
        if (s[19] == (byte)'.')
        {
            for (var i = 20; i < s.Length && s[i] != (byte)'Z'; i++, digits++)
            {
                fraction = (fraction * 10) + (s[i] - '0');
            }
        }

        for (; digits < 7; digits++)
        {
            fraction *= 10;
        }

        ticks = time.Ticks + fraction;
        return true;
    }

    private static int Digits(ReadOnlySpan<byte> s, int at, int count)
    {
        var value = 0;
        for (var i = at; i < at + count; i++)
        {
            value = (value * 10) + (s[i] - '0');
        }

        return value;
    }
}
