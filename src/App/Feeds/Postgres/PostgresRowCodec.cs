using System.Text.Json;
using Tributary.App.Feeds.Upstream;

namespace Tributary.App.Feeds.Postgres;

/// <summary>
/// Turns item data into a log row's kind and text, and back. JSON is stored as the text the app writes on
/// the wire (a <c>text</c> column, not <c>jsonb</c>, which would reorder keys), so an item read from the
/// log is written byte for byte as the producing instance would have written it.
/// </summary>
internal static class PostgresRowCodec
{
    public static (PostgresRowKind Kind, string Data) Encode(object data) => data switch
    {
        string text => (PostgresRowKind.Text, text),
        UpstreamStatus status => (PostgresRowKind.Status, JsonSerializer.Serialize(status, FeedJson.Options)),
        _ => (PostgresRowKind.Json, JsonSerializer.Serialize(data, data.GetType(), FeedJson.Options)),
    };

    public static object Decode(PostgresLogRow row) => row.Kind switch
    {
        PostgresRowKind.Text => row.Data,
        PostgresRowKind.Status => JsonSerializer.Deserialize<UpstreamStatus>(row.Data, FeedJson.Options)!,
        _ => JsonSerializer.Deserialize<JsonElement>(row.Data),
    };
}
