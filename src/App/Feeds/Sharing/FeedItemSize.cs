using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Tributary.App.Feeds.Upstream;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// What an item costs history, roughly: the size of its data as received (JSON text, string, SSE fields) plus
/// a fixed overhead. Built-in records are small and fixed in shape, so they count as the overhead alone.
/// </summary>
internal static class FeedItemSize
{
    /// <summary>The item, its envelope and bookkeeping, whatever its data.</summary>
    public const int Overhead = 64;

    public static long Of(object data) => Overhead + DataBytes(data);

    private static long DataBytes(object data) => data switch
    {
        JsonElement json => JsonMarshal.GetRawUtf8Value(json).Length,
        string text => Encoding.UTF8.GetByteCount(text),
        SseEvent sse => sse.Event.Length + (sse.Id?.Length ?? 0) + DataBytes(sse.Data),
        UpstreamStatus status => status.Message.Length,
        _ => 0,
    };
}
