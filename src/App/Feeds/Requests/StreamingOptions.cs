namespace Tributary.App.Feeds.Requests;

/// <summary>The <c>Streaming</c> section of appsettings.json: limits and timings of the raw stream endpoint.</summary>
public sealed class StreamingOptions
{
    public const string Section = "Streaming";

    /// <summary>
    /// Concurrent streams one client IP may hold, counting <c>/api/stream</c>, live exports and hub streams
    /// together; beyond it, 429 with Retry-After (a <c>HubException</c> on the hub). Default 32.
    /// </summary>
    public int MaxStreamsPerClient { get; set; } = 32;

    /// <summary>
    /// Addresses whose anonymous hub streams are not held to <see cref="MaxStreamsPerClient"/> (each connection is
    /// still held to <see cref="MaxStreamsPerConnection"/>). None by default: the dashboard's circuits need no
    /// exemption (each presents a ticket naming its viewer), and exempting loopback would exempt every caller behind
    /// a reverse proxy on the same host. For trusted clients of your own that cannot authenticate.
    /// </summary>
    public string[] HubClientLimitExempt { get; set; } = [];

    /// <summary>Hub streams one SignalR connection may hold at once; beyond it, a <c>HubException</c>. Default 16.</summary>
    public int MaxStreamsPerConnection { get; set; } = 16;

    /// <summary>Distinct feeds one request may merge. Default 16.</summary>
    public int MaxFeedsPerRequest { get; set; } = 16;

    /// <summary>A stream is ended (with an <c>end</c> record) after this long; <see langword="null"/> (default) for no limit.</summary>
    public TimeSpan? MaxStreamDuration { get; set; }

    /// <summary>How long an SSE stream may be silent before a comment heartbeat is sent. Default 15 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Items buffered between a stream's feeds and its response. Default 1,024: a deeper buffer lets feeds and
    /// the writer each do more per wake-up (measured against 64 in docs/PERFORMANCE.md). The channel
    /// grows only as items actually wait, so idle streams pay nothing for it.
    /// </summary>
    public int ChannelCapacity { get; set; } = 1024;

    /// <summary>
    /// When set, a raw stream that an item wakes writes it at the next tick of one clock every stream shares,
    /// together with the items that came meanwhile: fewer wake-ups and sends per item, for up to this much more
    /// latency. For servers with thousands of readers per feed (measured in docs/PERFORMANCE.md). Default
    /// <see langword="null"/>: each item is written as soon as the next one is not ready.
    /// </summary>
    public TimeSpan? FlushInterval { get; set; }

    /// <summary>
    /// When the server stops, how long it waits for open hub streams to send their <c>shutdown</c> record and
    /// complete before SignalR closes the connections. Default 5 s.
    /// </summary>
    public TimeSpan HubShutdownDrain { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The Retry-After, in seconds, sent with a 429. Default 5.</summary>
    public int RetryAfterSeconds { get; set; } = 5;
}
