using System.Runtime.InteropServices;
using System.Text.Json;
using Tributary.App.Feeds.Upstream;

namespace Tributary.App.Feeds.Sharing.Memory;

/// <summary>
/// What an item costs history, roughly: the memory its data takes (JSON as UTF-8, text as UTF-16, SSE fields)
/// plus a fixed overhead. Built-in records are small and fixed in shape, so they count as the overhead alone.
/// </summary>
internal static class FeedItemSize
{
    /// <summary>The item, its envelope and bookkeeping, whatever its data.</summary>
    public const int Overhead = 64;

    public static long Of(object data) => Overhead + DataBytes(data);

    private static long DataBytes(object data) => data switch
    {
        JsonElement json => JsonMarshal.GetRawUtf8Value(json).Length,
        string text => (long)text.Length * sizeof(char),
        SseEvent sse => ((long)sse.Event.Length + (sse.Id?.Length ?? 0)) * sizeof(char) + DataBytes(sse.Data),
        UpstreamStatus status => (long)status.Message.Length * sizeof(char),
        _ => 0,
    };
}
