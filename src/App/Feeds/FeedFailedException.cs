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
}
