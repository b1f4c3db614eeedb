using System.Text.Json;
using System.Text.Json.Serialization;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Kinds;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds;

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
