using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tributary.App.Feeds;

/// <summary>
/// JSON for feed data, with compile-time serializers for the built-in data types (writing an item is the
/// hot path: no reflection per item) and reflection for anything else.
/// </summary>
public static class FeedJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(FeedJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>
    /// The data as every format writes it, for an item that many readers share: encoded once here, copied by
    /// each reader's formatter. Control records are written by the formatters themselves and get none.
    /// </summary>
    public static ReadOnlyMemory<byte> Encode(object data) =>
        data is Streaming.Records.FeedControl ? default : JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), Options);
}
