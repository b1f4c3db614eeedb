namespace Tributary.App.Feeds;

/// <summary>The built-in feed kinds, as written in the catalog's <c>Kind</c> field.</summary>
public static class FeedKind
{
    public const string Ticker = "ticker";
    public const string Weather = "weather";
    public const string News = "news";
    public const string System = "system";
    public const string Counter = "counter";
    public const string WebSocket = "websocket";
    public const string Sse = "sse";
    public const string Ndjson = "ndjson";
    public const string File = "file";

    /// <summary>NATS: core subjects, or a JetStream stream read from a position.</summary>
    public const string Nats = "nats";

    /// <summary>MQTT 3.1.1 or 5: a topic filter, at QoS 0 or 1 with a persistent session.</summary>
    public const string Mqtt = "mqtt";

    /// <summary>Redis: a stream read with <c>XREAD</c> from a position, or a pub/sub channel or pattern.</summary>
    public const string Redis = "redis";

    /// <summary>No producer of its own: its items come from publishers (the publish API, <c>tributary.publish</c> in SQL).</summary>
    public const string Push = "push";

    /// <summary>
    /// The Mercure hub's updates (<c>/.well-known/mercure</c>): a push feed that only the hub reads and writes, since each
    /// update carries its own topics and privacy, which only the hub's authorization rules can apply.
    /// </summary>
    public const string Mercure = "mercure";

    public static readonly IReadOnlyList<string> All = [Ticker, Weather, News, System, Counter, WebSocket, Sse, Ndjson, File, Nats, Mqtt, Redis, Push, Mercure];
}
