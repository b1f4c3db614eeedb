using System.Buffers;
using System.Text;

namespace Tributary.Streaming.Internal;

/// <summary>Small helpers for writing text into an <see cref="IBufferWriter{T}"/> of bytes.</summary>
internal static class Utf8Output
{
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8) => output.Write(utf8);

    public static void Write(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
