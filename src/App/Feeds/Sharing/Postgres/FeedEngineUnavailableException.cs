namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>The database could not be reached at start (within <c>Sharing:Postgres:StartupWait</c>); its message is one line for the operator.</summary>
public sealed class FeedEngineUnavailableException : Exception
{
    public FeedEngineUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FeedEngineUnavailableException()
    {
    }

    public FeedEngineUnavailableException(string message)
        : base(message)
    {
    }
}
