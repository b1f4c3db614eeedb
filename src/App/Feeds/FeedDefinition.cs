using Tributary.App.Feeds.Sharing;

namespace Tributary.App.Feeds;

/// <summary>One entry of the <c>Feeds</c> list in appsettings.json.</summary>
public sealed class FeedDefinition
{
    /// <summary>The name clients ask for: lowercase letters, digits, '-' and '_', up to 32 characters.</summary>
    public string Name { get; set; } = "";

    /// <summary>One of <see cref="FeedKind.All"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Shown in <c>GET /api/feeds</c> and on the dashboard.</summary>
    public string Description { get; set; } = "";

    /// <summary>Items per second. Every kind but <c>counter</c> needs more than 0; for <c>counter</c>, 0 means as fast as possible.</summary>
    public double Rate { get; set; } = 1;

    /// <summary><c>ticker</c> only: the symbols to quote, e.g. <c>["ACME", "GLOBX"]</c>.</summary>
    public List<string> Symbols { get; set; } = [];

    /// <summary><c>weather</c> only: the station names.</summary>
    public List<string> Stations { get; set; } = [];

    /// <summary><c>news</c> only: headlines to cycle through; empty means generated ones.</summary>
    public List<string> Headlines { get; set; } = [];

    /// <summary><c>counter</c> only: how many items before the feed ends; 0 means unlimited.</summary>
    public long Count { get; set; }

    /// <summary><c>counter</c> only: the highest <c>rate</c> a request may ask for.</summary>
    public double MaxRate { get; set; } = 10_000;

    /// <summary><c>counter</c> only: the highest <c>count</c> a request may ask for (0 = unlimited is always allowed up to this bound).</summary>
    public long MaxCount { get; set; } = 10_000_000;

    /// <summary><c>counter</c> only: fail after this many items (0 = never). For exercising error handling.</summary>
    public long FailAfter { get; set; }

    /// <summary>
    /// Network upstreams: the upstream address (ws/wss, http/https, nats/tls, mqtt/mqtts, redis/rediss). Only
    /// configuration sets it. Credentials in it (<c>redis://:secret@host</c>) are used, never shown.
    /// </summary>
    public string? Url { get; set; }

    /// <summary><c>nats</c> only: the subject to read, wildcards (<c>*</c>, <c>&gt;</c>) allowed.</summary>
    public string? Subject { get; set; }

    /// <summary>
    /// <c>nats</c>: the JetStream stream to read the subject from (without it, core NATS: only what is published while
    /// connected). <c>redis</c>: the key of the Redis stream to read with <c>XREAD</c>.
    /// </summary>
    public string? Stream { get; set; }

    /// <summary>
    /// <c>nats</c> with <c>Stream</c>, and <c>redis</c> with <c>Stream</c>: where the feed first starts reading:
    /// <c>New</c> (default: what arrives from now on), <c>All</c>, <c>Last</c> (the last message, then what follows),
    /// a position (a JetStream stream sequence to start at; a Redis stream id to read after) or an ISO 8601 time. Once the feed has
    /// produced, it resumes after the last item it kept, whatever <c>Start</c> says.
    /// </summary>
    public string? Start { get; set; }

    /// <summary><c>mqtt</c> only: the topic filter to subscribe to, <c>+</c> and <c>#</c> allowed.</summary>
    public string? Topic { get; set; }

    /// <summary>
    /// <c>mqtt</c> only: 1 (default, at least once: a persistent session keeps what arrives while no producer is
    /// connected, and a message is acknowledged only once it is kept) or 0 (at most once: a clean session).
    /// </summary>
    public int? Qos { get; set; }

    /// <summary><c>mqtt</c> only: the protocol, <c>5</c> (default) or <c>3.1.1</c>.</summary>
    public string? MqttVersion { get; set; }

    /// <summary>
    /// <c>mqtt</c> only: the client id, the same on every instance so the broker's session follows the feed's producer.
    /// Default <c>tributary-</c> and the feed's name.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary><c>mqtt</c> with QoS 1, MQTT 5: how long the broker keeps the session while no producer is connected. Default 1 day.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary><c>redis</c> only: the pub/sub channel to subscribe to; a pattern when it contains <c>*</c>, <c>?</c> or <c>[</c>.</summary>
    public string? Channel { get; set; }

    /// <summary><c>nats</c>, <c>mqtt</c>, <c>redis</c>: the user name, if the broker wants one. Never shown.</summary>
    public string? Username { get; set; }

    /// <summary><c>nats</c>, <c>mqtt</c>, <c>redis</c>: the password (for <c>nats</c> without <c>Username</c>: the token). Never shown.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// <c>nats</c>, <c>mqtt</c>, <c>redis</c>: item data is an object with the message's <c>payload</c> and where it came
    /// from (<c>subject</c>, <c>topic</c>, <c>channel</c> or <c>stream</c> and <c>id</c>) and its <c>headers</c> (NATS headers,
    /// MQTT 5 user properties, a Redis stream entry's fields), instead of the payload alone. Default false.
    /// </summary>
    public bool Envelope { get; set; }

    /// <summary><c>file</c> only: the file to tail. Only configuration sets it.</summary>
    public string? Path { get; set; }

    /// <summary>Upstream kinds: the first reconnect delay; it doubles per failed attempt, with jitter. Default 500 ms.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upstream kinds: the longest reconnect delay. Default 30 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Upstream kinds: how long a connection must stay up before the backoff starts again from
    /// <see cref="ReconnectMinDelay"/>. An upstream that accepts and closes at once keeps backing off. Default 10 s.
    /// </summary>
    public TimeSpan BackoffResetAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Upstream kinds: the largest item accepted, in bytes: a line (ndjson, file), an event's data (sse) or a
    /// message (websocket). A larger one is skipped without being held in memory and reported with an
    /// <c>oversize</c> status. <c>push</c>: the largest item's data a publisher may send; a larger one is refused.
    /// Default 1 MiB.
    /// </summary>
    public int MaxItemBytes { get; set; } = 1024 * 1024;

    /// <summary><c>websocket</c>, <c>sse</c>, <c>ndjson</c>: the longest wait for the WebSocket handshake or the HTTP response headers. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>websocket</c>, <c>sse</c>, <c>ndjson</c>: after this long without a byte from the upstream, the
    /// connection is reported <c>stalled</c> and replaced. Default 0: off, for upstreams that are quiet by nature.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// <c>sse</c>, <c>ndjson</c>: follow HTTP redirects to the same host and port (never from https to http).
    /// Default false: a redirect is reported with a <c>redirected</c> status naming the target host, and retried with backoff.
    /// </summary>
    public bool FollowRedirects { get; set; }

    /// <summary><c>file</c> only: how often the file is checked for new lines, truncation and rotation. Default 250 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Whether all clients share one producer for this feed. Default: every kind but <c>counter</c>, whose
    /// rate and count are set per request. A request that sets <c>rate</c> or <c>count</c> always gets its own.
    /// </summary>
    public bool? Shared { get; set; }

    /// <summary>Shared feeds: how many items each subscriber may have waiting. Default 256.</summary>
    public int SubscriberBuffer { get; set; } = 256;

    /// <summary>Shared feeds: what happens to a subscriber whose buffer is full. Default: drop its oldest items and tell it with a <c>gap</c> record.</summary>
    public OverflowPolicy Overflow { get; set; } = OverflowPolicy.DropOldest;

    /// <summary>Shared feeds: how many recent items are kept for resuming (<c>Last-Event-ID</c>, <c>since</c>) and exports. Default 1,000.</summary>
    public int HistoryLength { get; set; } = 1000;

    /// <summary>
    /// Shared feeds: the most bytes of item data history may hold (each item counted by the size of its data
    /// as received, plus a fixed overhead); the oldest items go first. Default 16 MiB.
    /// </summary>
    public long HistoryMaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Shared feeds: how old an item in history may be; older ones are no longer replayed or exported.
    /// <see langword="null"/> (default) for no age limit, only <see cref="HistoryLength"/>.
    /// </summary>
    public TimeSpan? HistoryRetention { get; set; }

    /// <summary>Shared feeds: how long the producer keeps running after its last subscriber leaves. Default 5 s.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The slowest pace a feed may have: one item every 1,000 s. Slower rates would schedule items beyond what
    /// timers can wait for; 0 (as fast as possible) is a separate case, for counters.
    /// </summary>
    public const double MinRate = 0.001;

    public bool IsCounter => string.Equals(Kind, FeedKind.Counter, StringComparison.Ordinal);

    public bool IsShared => Shared ?? !IsCounter;

    /// <summary>Its items come from publishers, not from a producer of its own.</summary>
    public bool IsPush => Kind is FeedKind.Push or FeedKind.Mercure;

    /// <summary>The Mercure hub's updates: read and written only through the hub, never as a feed of its own.</summary>
    public bool IsMercure => string.Equals(Kind, FeedKind.Mercure, StringComparison.Ordinal);

    public bool IsUpstream => IsNetworkUpstream || IsBroker || Kind is FeedKind.File;

    /// <summary>The upstream kinds that connect over HTTP or WebSocket.</summary>
    public bool IsNetworkUpstream => Kind is FeedKind.WebSocket or FeedKind.Sse or FeedKind.Ndjson;

    /// <summary>The upstream kinds that subscribe to a message system.</summary>
    public bool IsBroker => Kind is FeedKind.Nats or FeedKind.Mqtt or FeedKind.Redis;

    /// <summary>
    /// Whether the source can carry on from where the last kept item left it, so a new producer loses nothing: a
    /// JetStream or Redis stream (from the position kept with the items), or MQTT at QoS 1 (the broker's session).
    /// </summary>
    public bool ResumesWithoutLoss => Kind switch
    {
        FeedKind.Nats or FeedKind.Redis => !string.IsNullOrEmpty(Stream),
        FeedKind.Mqtt => (Qos ?? 1) == 1,
        _ => false,
    };

    /// <summary>The largest <see cref="MaxItemBytes"/> the catalog accepts: 64 MiB.</summary>
    public const int MaxItemBytesLimit = 64 * 1024 * 1024;
}
