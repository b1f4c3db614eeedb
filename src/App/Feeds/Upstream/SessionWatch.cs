namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// The clock over one upstream session: it cancels the session's token when connecting takes longer than
/// <see cref="FeedDefinition.ConnectTimeout"/>, or, once connected, when the upstream sends nothing for
/// <see cref="FeedDefinition.IdleTimeout"/>. Each arrival of bytes re-arms it.
/// </summary>
internal sealed class SessionWatch : IDisposable
{
    private readonly TimeSpan _idleTimeout;
    private readonly CancellationTokenSource _expiry = new();
    private readonly CancellationTokenSource _session;
    private readonly ITimer _timer;
    private volatile bool _connected;

    public SessionWatch(FeedDefinition feed, TimeProvider timeProvider, CancellationToken feedStopping)
    {
        _idleTimeout = feed.IdleTimeout;
        _session = CancellationTokenSource.CreateLinkedTokenSource(feedStopping, _expiry.Token);
        _timer = timeProvider.CreateTimer(_ => Expire(), null, feed.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancelled when the feed stops or the watch expires.</summary>
    public CancellationToken Token => _session.Token;

    /// <summary>Whether the watch, not the feed, cancelled the session.</summary>
    public bool Expired => _expiry.IsCancellationRequested;

    /// <summary>Whether the watch expired for silence after the session connected.</summary>
    public bool Stalled => Expired && _connected && _idleTimeout > TimeSpan.Zero;

    public void OnConnected()
    {
        _connected = true;
        OnBytes();
    }

    /// <summary>Bytes arrived: the idle time starts again.</summary>
    public void OnBytes()
    {
        if (_connected)
        {
            _timer.Change(_idleTimeout > TimeSpan.Zero ? _idleTimeout : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops the clock while the session waits on its readers rather than on the upstream.</summary>
    public void Pause()
    {
        if (_connected)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _session.Dispose();
        _expiry.Dispose();
    }

    private void Expire()
    {
        try
        {
            _expiry.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The timer fired as the session ended; there is nothing left to cancel.
        }
    }
}
