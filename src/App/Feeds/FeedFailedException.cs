namespace Tributary.App.Feeds;

/// <summary>A feed's source failed; carries the feed's name so the stream can say which one.</summary>
public sealed class FeedFailedException : Exception
{
    public FeedFailedException(string feed, Exception innerException)
        : base($"Feed '{feed}' failed: {innerException?.Message}", innerException) => Feed = feed;

    public FeedFailedException()
        : this("unknown", new InvalidOperationException("unspecified failure"))
    {
    }

    public FeedFailedException(string message)
        : base(message) => Feed = "unknown";

    public string Feed { get; } = "unknown";
}
