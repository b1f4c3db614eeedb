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
}
