namespace Tributary.App.Feeds.Upstream;

/// <summary>The upstream answered with a redirect that the feed does not follow. Its message is safe to show readers.</summary>
internal sealed class UpstreamRedirectException : Exception
{
    public UpstreamRedirectException(string message)
        : base(message)
    {
    }

    public UpstreamRedirectException()
        : this("The upstream redirected.")
    {
    }

    public UpstreamRedirectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
