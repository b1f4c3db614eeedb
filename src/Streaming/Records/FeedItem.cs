using System.Text.Json.Serialization;

namespace Tributary.Streaming.Records;

/// <summary>
/// One item of a merged stream, labelled with the feed it came from. In JSON, on every transport, it is
/// <c>{"feed":…,"seq":…,"ts":…,"data":…}</c>, with <c>"epoch":…</c> after <c>seq</c> when the feed's
/// numbering has one.
/// </summary>
/// <typeparam name="T">The item's data type.</typeparam>
/// <param name="Feed">The name of the feed that produced it.</param>
/// <param name="Sequence">Its position within that feed, starting at 1 and increasing by 1 per item (<c>seq</c>).</param>
/// <param name="Timestamp">When the merge received it from the feed (<c>ts</c>).</param>
/// <param name="Data">The item itself.</param>
public sealed record FeedItem<T>(
    string Feed,
    [property: JsonPropertyName("seq")] long Sequence,
    [property: JsonPropertyName("ts")] DateTimeOffset Timestamp,
    T Data)
{
    /// <summary>
    /// Which numbering <see cref="Sequence"/> belongs to (<c>epoch</c>), or <see langword="null"/> for a feed
    /// that keeps no history. A feed's log starts a new epoch when it starts over (a restart of an in-memory
    /// feed, a replaced database), so a position is only meaningful together with its epoch.
    /// </summary>
    [JsonPropertyName("epoch")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Epoch { get; init; }

    // One reference, null for items nobody shares: every item of every stream carries this field.
    private readonly EncodedData? _encoded;

    /// <summary>
    /// <see cref="Data"/> already written as UTF-8 JSON, or empty. A feed that many readers watch sets it when it
    /// publishes an item, and the formatters copy these bytes instead of serializing the data again for each
    /// reader. When set, it is what every format writes for the data, whatever options the formatter has. The bytes belong to the data they were set with: a copy made with <c>with</c> that replaces
    /// <see cref="Data"/> has none. Only reference-typed data keeps an encoding. Not part of the record's equality.
    /// </summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> DataJson
    {
        get => _encoded is { } encoded && ReferenceEquals(encoded.Of, Data) ? encoded.Json : default;
        // A record holds the data's old bytes: new ones drop it.
        init => _encoded = value.IsEmpty ? null : new EncodedData(Data, value);
    }

    /// <summary>
    /// The whole record (<c>{"feed":…,"data":…}</c>) already written as UTF-8 JSON, or empty. A feed that many readers
    /// watch sets it when it publishes an item (see <c>FeedRecordFormatter.EncodeItemJson</c>), and the JSON formats copy
    /// these bytes instead of writing the record again for each reader. The bytes belong to the values they were
    /// written from: a copy made with <c>with</c> that changes any of them has none. Set it last, after
    /// <see cref="Epoch"/> and <see cref="DataJson"/>. Not part of the record's equality.
    /// </summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> RecordJson
    {
        get => _encoded?.Record is { } record && record.IsOf(Feed, Sequence, Timestamp, Epoch, Data) ? record.Json : default;
        init => _encoded = new EncodedData(_encoded?.Of ?? Data, _encoded?.Json ?? default)
        {
            Record = value.IsEmpty ? null : new EncodedRecord(Feed, Sequence, Timestamp, Epoch, Data, value),
        };
    }

    /// <summary>Equal when feed, position, time, data and epoch are; an encoding of the data is a cache and does not count.</summary>
    /// <param name="other">The other item.</param>
    /// <returns>Whether the two are the same item.</returns>
    public bool Equals(FeedItem<T>? other) =>
        other is not null
        && Feed == other.Feed
        && Sequence == other.Sequence
        && Timestamp.Equals(other.Timestamp)
        && EqualityComparer<T>.Default.Equals(Data, other.Data)
        && Epoch == other.Epoch;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Feed, Sequence, Timestamp, Data, Epoch);
}
