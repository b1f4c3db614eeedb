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
    /// each reader's formatter. Control records are written by the formatters themselves and get none, and so
    /// does data that cannot be encoded: each reader's formatter then meets it as before, so it ends only
    /// the streams that write it, never the feed.
    /// </summary>
    public static ReadOnlyMemory<byte> Encode(object? data)
    {
        if (data is null or Streaming.Records.FeedControl)
        {
            return default;
        }

        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), Options);
        }
        catch (Exception error) when (error is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
        {
            return default;
        }
    }
}
