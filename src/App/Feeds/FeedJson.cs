using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Tributary.App.Diagnostics;
using Tributary.App.Feeds.Kinds;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Merging;

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
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FeedItem<object>))]
[JsonSerializable(typeof(CounterTick))]
[JsonSerializable(typeof(TickerQuote))]
[JsonSerializable(typeof(WeatherReading))]
[JsonSerializable(typeof(NewsHeadline))]
[JsonSerializable(typeof(SystemSample))]
[JsonSerializable(typeof(SharedFeedSnapshot))]
[JsonSerializable(typeof(UpstreamStatus))]
[JsonSerializable(typeof(SseEvent))]
[JsonSerializable(typeof(FeedControl))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
internal sealed partial class FeedJsonContext : JsonSerializerContext;
