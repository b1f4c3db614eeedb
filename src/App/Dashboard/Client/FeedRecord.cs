using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tributary.App.Dashboard.Client;

/// <summary>
/// One record of a hub stream as the dashboard reads it: a data item, or a control or upstream status record,
/// which the hub marks with <c>"type"</c> (<c>gap</c>, <c>reset</c>, <c>error</c>, <c>engine</c>, <c>status</c>, …).
/// </summary>
public sealed record FeedRecord(
    [property: JsonPropertyName("feed")] string Feed,
    [property: JsonPropertyName("seq")] long Sequence,
    [property: JsonPropertyName("ts")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("data")] JsonElement Data)
{
    /// <summary>The numbering this record's sequence belongs to; shared feeds only.</summary>
    [JsonPropertyName("epoch")]
    public string? Epoch { get; init; }

    /// <summary>Null for data; otherwise what kind of record this is.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonIgnore]
    public bool IsData => Type is null;

    /// <summary>Whether this item is from the feed's history, sent before the view started, rather than live.</summary>
    [JsonIgnore]
    public bool FromHistory { get; init; }

    /// <summary>The position to resume after, as <c>since</c> takes it: <c>seq</c> or <c>seq@epoch</c>.</summary>
    [JsonIgnore]
    public string Position => Epoch is null ? Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Sequence}@{Epoch}";

    /// <summary>The control record's message, or the status record's.</summary>
    [JsonIgnore]
    public string Message => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("message", out var message) ? message.ToString() : "";
}
