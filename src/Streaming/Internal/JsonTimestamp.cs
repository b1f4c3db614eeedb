using System.Buffers;
using System.Buffers.Text;

namespace Tributary.Streaming.Internal;

/// <summary>
/// Writes a UTC time as the JSON string value <see cref="System.Text.Json.Utf8JsonWriter"/> would
/// (<c>"2026-11-21T08:00:01.25Z"</c>: ISO 8601, trailing zeros of the fraction trimmed), straight into a span.
/// </summary>
internal static class JsonTimestamp
{
    /// <summary>The longest value written, quotes included.</summary>
    public const int MaxLength = 30;

    private const int Dot = 20; // '"' + "yyyy-MM-ddTHH:mm:ss" comes before it
    private const int FractionDigits = 7;

    public static int Write(DateTime utc, Span<byte> destination)
    {
        destination[0] = (byte)'"';
        // 'O' gives yyyy-MM-ddTHH:mm:ss.fffffffZ for a UTC time: 28 bytes, the fraction always 7 digits.
        Utf8Formatter.TryFormat(utc, destination[1..], out _, new StandardFormat('O'));
        var lastDigit = Dot + FractionDigits;
        while (lastDigit > Dot && destination[lastDigit] == (byte)'0')
        {
            lastDigit--;
        }

        // All zeros: drop the '.' too. Otherwise keep up to the last significant digit.
        var zoneAt = destination[lastDigit] == (byte)'.' ? lastDigit : lastDigit + 1;
        destination[zoneAt] = (byte)'Z';
        destination[zoneAt + 1] = (byte)'"';
        return zoneAt + 2;
    }
}
