using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Tributary.Streaming.Internal;
using Tributary.Streaming.Records;

namespace Tributary.Streaming.Formatting;

/// <summary>
/// One human-readable line per item, for watching with <c>curl --raw</c>:
/// <c>08:00:01.250  news      #12  {"headline":"..."}</c>. Control records read <c>!! error (news): ...</c>.
/// </summary>
/// <param name="json">Serializes item data; <see langword="null"/> for the web defaults.</param>
public sealed class TextFormatter(JsonSerializerOptions? json = null) : FeedRecordFormatter(json)
{
    /// <inheritdoc/>
    public override string ContentType => "text/plain; charset=utf-8";

    /// <inheritdoc/>
    public override void WriteItem<T>(FeedItem<T> item, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(item);
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{item.Timestamp.UtcDateTime:HH:mm:ss.fff}Z  {item.Feed,-10} #{item.Sequence,-6} ");
        Utf8Output.Write(output, prefix);
        WriteDataJson(item, output);
        Utf8Output.Write(output, "\n"u8);
    }

    /// <inheritdoc/>
    public override void WriteControl(FeedControl control, string? feed, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(control);
        var line = feed is null ? $"!! {control.Type}: {control.Message}\n" : $"!! {control.Type} ({feed}): {control.Message}\n";
        Utf8Output.Write(output, line);
    }
}
