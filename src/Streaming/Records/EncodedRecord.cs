namespace Tributary.Streaming.Records;

/// <summary>
/// A whole item record as UTF-8 JSON, with the values it was written from: it stands for an item only while the item
/// still has them (a copy made with <c>with</c> that changes any of them has no record).
/// </summary>
internal sealed class EncodedRecord(string feed, long sequence, DateTimeOffset timestamp, string? epoch, object? data, ReadOnlyMemory<byte> json)
{
    public ReadOnlyMemory<byte> Json { get; } = json;

    public bool IsOf(string feed2, long sequence2, DateTimeOffset timestamp2, string? epoch2, object? data2) =>
        sequence == sequence2
        && ReferenceEquals(data, data2)
        && timestamp.Equals(timestamp2)
        && string.Equals(feed, feed2, StringComparison.Ordinal)
        && string.Equals(epoch, epoch2, StringComparison.Ordinal);
}
