namespace Tributary.Streaming.Records;

/// <summary>
/// An item's data as UTF-8 JSON, together with the data it encodes (see <see cref="FeedItem{T}.DataJson"/>), and
/// perhaps the whole record's (<see cref="FeedItem{T}.RecordJson"/>).
/// </summary>
internal sealed class EncodedData(object? of, ReadOnlyMemory<byte> json)
{
    public object? Of { get; } = of;

    public ReadOnlyMemory<byte> Json { get; } = json;

    public EncodedRecord? Record { get; init; }
}
