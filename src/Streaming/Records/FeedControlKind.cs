namespace Tributary.Streaming.Records;

/// <summary>
/// The kinds of control record a stream can carry. The set is closed: a formatter writes each kind's
/// <see cref="FeedControl.Type"/> name, and clients switch on those names.
/// </summary>
public enum FeedControlKind
{
    /// <summary><c>gap</c>: items were skipped because the reader fell behind.</summary>
    Gap,

    /// <summary><c>reset</c>: the reader's resume position could not be honoured; the feed continues from a new one.</summary>
    Reset,

    /// <summary><c>error</c>: a feed failed and the stream ends.</summary>
    Error,

    /// <summary><c>shutdown</c>: the server is stopping and the stream ends.</summary>
    Shutdown,

    /// <summary><c>end</c>: the stream reached a limit (such as its maximum duration) and ends.</summary>
    End,

    /// <summary>
    /// <c>engine</c>: the store that numbers and keeps a shared feed became unavailable or recovered; the
    /// stream goes on (its <see cref="FeedControl.Status"/> says which).
    /// </summary>
    Engine,
}
