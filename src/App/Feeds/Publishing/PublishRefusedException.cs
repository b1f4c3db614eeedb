namespace Tributary.App.Feeds.Publishing;

/// <summary>
/// The engine's storage refused a publish the catalog allowed: with the PostgreSQL engine, the database's settings for
/// the feed (set by the instance that started last) say it is not a push feed, or takes smaller items.
/// </summary>
public sealed class PublishRefusedException : Exception
{
    public PublishRefusedException()
    {
    }

    public PublishRefusedException(string message)
        : base(message)
    {
    }

    public PublishRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PublishRefusedException(string message, bool tooLarge)
        : base(message)
    {
        TooLarge = tooLarge;
    }

    /// <summary>True when an item was larger than the feed takes; false when the feed takes no publishes.</summary>
    public bool TooLarge { get; }
}
