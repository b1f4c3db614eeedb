using System.Text.Json.Serialization;

namespace Tributary.Streaming.Records;

/// <summary>
/// A control record: it tells the reader something about the stream rather than the feed, such as items
/// skipped for a slow reader (<see cref="FeedControlKind.Gap"/>) or history that could not be replayed
/// (<see cref="FeedControlKind.Reset"/>). It travels where an item's data would, and formatters write it as
/// a control record, not as an item. In JSON its kind is the <c>type</c> property, under its wire name.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Message">A human-readable explanation.</param>
/// <param name="Skipped">For <see cref="FeedControlKind.Gap"/>: how many items were skipped, when known (left out when not).</param>
public sealed record FeedControl(
    [property: JsonPropertyName("type"), JsonConverter(typeof(FeedControlKindJsonConverter))] FeedControlKind Kind,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Skipped = null)
{
    /// <summary>
    /// For <see cref="FeedControlKind.Reset"/>: why the reader's numbering continues elsewhere, for programs (the
    /// message is for people): <c>trimmed</c>, <c>not-kept</c>, <c>epoch</c>, <c>ahead</c> or <c>started-over</c>.
    /// </summary>
    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>For <see cref="FeedControlKind.Engine"/>: the engine's state, <c>unavailable</c> or <c>recovered</c>.</summary>
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }

    /// <summary>The record's name on the wire: <c>gap</c>, <c>reset</c>, <c>error</c>, <c>shutdown</c>, <c>end</c> or <c>engine</c>.</summary>
    [JsonIgnore]
    public string Type => Kind switch
    {
        FeedControlKind.Gap => "gap",
        FeedControlKind.Reset => "reset",
        FeedControlKind.Error => "error",
        FeedControlKind.Shutdown => "shutdown",
        FeedControlKind.End => "end",
        FeedControlKind.Engine => "engine",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown control record kind."),
    };
}
