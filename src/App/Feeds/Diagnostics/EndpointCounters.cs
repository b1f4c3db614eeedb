using Tributary.Streaming.Diagnostics;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Diagnostics;

/// <summary>The live counters of one endpoint (<c>/api/stream</c>, <c>/api/export</c>, <c>/hubs/feeds</c>).</summary>
internal sealed class EndpointCounters(string endpoint)
{
#pragma warning disable CA1051, SA1401 // Fields, so Interlocked can update them in place.
    public long Total;
    public long ItemsSent;
    public long Bytes;
    public long Gaps;
    public long Resets;
#pragma warning restore CA1051, SA1401

    public string Endpoint { get; } = endpoint;

    /// <summary>The name of its streams' spans, made once per endpoint rather than once per stream.</summary>
    public string SpanName { get; } = "stream " + endpoint;

    public ActivityGauge Active { get; } = new();

    public void CountControl(FeedControlKind kind)
    {
        switch (kind)
        {
            case FeedControlKind.Gap:
                Interlocked.Increment(ref Gaps);
                break;
            case FeedControlKind.Reset:
                Interlocked.Increment(ref Resets);
                break;
        }
    }

    public EndpointStatsSnapshot Snapshot() => new(
        Active.Current,
        Interlocked.Read(ref Total),
        Interlocked.Read(ref ItemsSent),
        Interlocked.Read(ref Bytes),
        Interlocked.Read(ref Gaps),
        Interlocked.Read(ref Resets));
}
