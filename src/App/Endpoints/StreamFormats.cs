using Tributary.App.Feeds;
using Tributary.Streaming.Formatting;

namespace Tributary.App.Endpoints;

internal static class StreamFormats
{
    public const string Names = "ndjson, sse or text";

    public static bool TryParse(string value, out StreamFormat format)
    {
        switch (value.ToLowerInvariant())
        {
            case "ndjson":
                format = StreamFormat.Ndjson;
                return true;
            case "sse":
                format = StreamFormat.Sse;
                return true;
            case "text":
                format = StreamFormat.Text;
                return true;
            default:
                format = default;
                return false;
        }
    }

    public static FeedRecordFormatter CreateFormatter(this StreamFormat format) => format switch
    {
        StreamFormat.Sse => new SseFormatter(FeedJson.Options),
        StreamFormat.Text => new TextFormatter(FeedJson.Options),
        _ => new NdjsonFormatter(FeedJson.Options),
    };
}
