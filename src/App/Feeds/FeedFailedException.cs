namespace Tributary.App.Feeds;

/// <summary>
/// A feed's stream cannot go on: its source failed, or this reader fell too far behind. Carries the feed's
/// name and a message fit for the client; the inner exception's detail stays in the server log.
/// </summary>
public sealed class FeedFailedException : Exception
{
    public FeedFailedException(string feed, Exception innerException, string? clientMessage = null)
        : base($"Feed '{feed}' failed: {innerException?.Message}", innerException)
    {
        Feed = feed;
        ClientMessage = clientMessage ?? $"Feed '{feed}' failed, so the stream was ended.";
    }

    public FeedFailedException()
        : this("unknown", new InvalidOperationException("unspecified failure"))
    {
    }

    public FeedFailedException(string message)
        : base(message)
    {
        Feed = "unknown";
        ClientMessage = message;
    }

    public string Feed { get; } = "unknown";

    /// <summary>What the client is told.</summary>
    public string ClientMessage { get; } = "";

    /// <summary>
    /// This reader was disconnected for falling behind (the feed's <c>DisconnectSlowConsumer</c> policy working,
    /// which any client can cause): a warning, not a server error.
    /// </summary>
    public bool ReaderFellBehind { get; private init; }

    /// <summary>
    /// The feed's engine (its database) could not be read: nothing is wrong with the feed or the request, and the
    /// same request shortly may succeed (HTTP answers 503 with <c>Retry-After</c> when no body was sent yet).
    /// </summary>
    public bool EngineUnavailable { get; private init; }

    /// <summary>The failure that ends a read of a feed whose engine's storage is unreachable.</summary>
    public static FeedFailedException Unavailable(string feed, Exception cause, string what) =>
        new(feed, cause, $"Feed '{feed}' could not {what}: its database is unavailable. Try again shortly.")
        {
            EngineUnavailable = true,
        };

    /// <summary>The failure was logged where it happened (a shared feed logs once for all its readers), so the
    /// boundaries that end each reader's stream do not log it again.</summary>
    public bool FailureLogged { get; private init; }

    /// <summary>The failure that ends a reader who fell <paramref name="capacity"/> items behind a shared feed.</summary>
    public static FeedFailedException ReaderBehind(string feed, int capacity) =>
        new(feed, new InvalidOperationException($"Subscriber buffer of {capacity} items was full."),
            $"This stream fell {capacity} items behind feed '{feed}' and was disconnected (its overflow policy is DisconnectSlowConsumer).")
        {
            ReaderFellBehind = true,
        };

    /// <summary>The same failure, marked as logged once where it happened.</summary>
    public FeedFailedException AsLogged() =>
        new(Feed, InnerException ?? this, ClientMessage) { FailureLogged = true, ReaderFellBehind = ReaderFellBehind, EngineUnavailable = EngineUnavailable };
}
