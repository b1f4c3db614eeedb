namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// Decides which connection-state records reach readers and history, so an upstream that keeps failing
/// cannot flood them: a down record (<c>disconnected</c>, <c>stalled</c>, <c>redirected</c>) goes out when the
/// state changes or its message does, and a <c>reconnecting</c> record at most once per
/// <see cref="ReconnectingInterval"/> while the upstream stays down, carrying the attempt and the next delay.
/// </summary>
internal sealed class UpstreamStatusGate(TimeProvider timeProvider)
{
    /// <summary>The shortest time between two <c>reconnecting</c> records of one outage.</summary>
    public static readonly TimeSpan ReconnectingInterval = TimeSpan.FromSeconds(10);

    private UpstreamStatus? _lastDown;
    private long? _lastReconnecting;

    public void Connected()
    {
        _lastDown = null;
        _lastReconnecting = null;
    }

    /// <summary>Returns the record to send, or null when it only repeats the last one.</summary>
    public UpstreamStatus? Down(string status, string message)
    {
        if (_lastDown is { } last && last.Status == status && last.Message == message)
        {
            return null;
        }

        _lastDown = new UpstreamStatus(status, message);
        _lastReconnecting = null;
        return _lastDown;
    }

    /// <summary>Returns the record to send, or null when one was sent less than <see cref="ReconnectingInterval"/> ago.</summary>
    public UpstreamStatus? Reconnecting(int attempt, TimeSpan delay)
    {
        var now = timeProvider.GetTimestamp();
        if (_lastReconnecting is { } last && timeProvider.GetElapsedTime(last, now) < ReconnectingInterval)
        {
            return null;
        }

        _lastReconnecting = now;
        var milliseconds = (long)Math.Round(delay.TotalMilliseconds);
        return new UpstreamStatus(UpstreamStatus.Reconnecting, $"reconnecting in {milliseconds} ms (attempt {attempt})", attempt) { DelayMs = milliseconds };
    }
}
