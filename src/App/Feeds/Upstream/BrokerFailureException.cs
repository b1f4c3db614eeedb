namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// A message system's session ended for a reason its client could tell (the server went away, refused the
/// credentials, has no such stream): the message is one fixed sentence written for readers, never the client's own
/// text, which can name addresses or credentials and goes only to the log with the inner exception.
/// </summary>
internal sealed class BrokerFailureException : Exception
{
    public BrokerFailureException()
    {
    }

    public BrokerFailureException(string message)
        : base(message)
    {
    }

    public BrokerFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
