using System.Text.Json;
using Tributary.App.Feeds.Upstream;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// Turns item data into a log row's kind and text, and back. JSON is stored as the text the app writes on
/// the wire (a <c>text</c> column, not <c>jsonb</c>, which would reorder keys), so an item read from the
/// log is written byte for byte as the producing instance would have written it.
/// </summary>
internal static class PostgresRowCodec
{
    public static (PostgresRowKind Kind, string Data) Encode(object data) => data switch
    {
        // PostgreSQL text cannot hold NUL; such a string is kept as a JSON string, which escapes it.
        string text when !text.Contains('\0', StringComparison.Ordinal) => (PostgresRowKind.Text, text),
        string text => (PostgresRowKind.TextJson, JsonSerializer.Serialize(text, FeedJson.Options)),
        UpstreamStatus status => (PostgresRowKind.Status, JsonSerializer.Serialize(status, FeedJson.Options)),
        _ => (PostgresRowKind.Json, JsonSerializer.Serialize(data, data.GetType(), FeedJson.Options)),
    };

    public static object Decode(PostgresLogRow row) => row.Kind switch
    {
        PostgresRowKind.Text => row.Data,
        PostgresRowKind.TextJson => JsonSerializer.Deserialize<string>(row.Data, FeedJson.Options)!,
        PostgresRowKind.Status => JsonSerializer.Deserialize<UpstreamStatus>(row.Data, FeedJson.Options)!,
        _ => JsonSerializer.Deserialize<JsonElement>(row.Data),
    };
}
