using System.Security.Claims;
using Tributary.App.Feeds;

namespace Tributary.App.Security;

/// <summary>One stream's watch on its caller's access (<see cref="AccessWatch.Watch"/>).</summary>
public sealed class AccessLease : IDisposable
{
    private readonly AccessWatch? _watch;
    private readonly ClaimsPrincipal? _user;
    private readonly IReadOnlyList<FeedDefinition> _feeds;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _ended = new();
    private readonly Lock _gate = new();
    private ITimer? _expiry;
    private bool _disposed;
    private string _reason = CredentialEnded;

    internal AccessLease(AccessWatch? watch, ClaimsPrincipal? user, IReadOnlyList<FeedDefinition> feeds, TimeProvider timeProvider)
    {
        _watch = watch;
        _user = user;
        _feeds = feeds;
        _timeProvider = timeProvider;
    }

    internal const string CredentialEnded = "Access ended: the credential this stream was opened with was revoked, has expired or was signed out. Sign in again, or use a valid key.";

    /// <summary>For streams when authentication is off: never ends, and one instance serves them all.</summary>
    public static AccessLease Unbounded { get; } = new(null, null, [], TimeProvider.System);

    /// <summary>Cancelled when the caller's access ends; <see cref="CancellationToken.None"/> when it cannot.</summary>
    public CancellationToken Token => _watch is null ? CancellationToken.None : _ended.Token;

    /// <summary>What to tell the client when <see cref="Token"/> fires.</summary>
    public string Reason => Volatile.Read(ref _reason);

    public void Dispose()
    {
        if (_watch is null)
        {
            return;
        }

        lock (_gate)
        {
            _disposed = true;
            _expiry?.Dispose();
        }

        _watch?.Forget(this);
        _ended.Dispose();
    }

    // At start, after every change of keys or sign-outs, and when the expiry timer fires: ends the stream, or
    // (re)schedules the timer for the credential's current expiry, which an operator may have moved.
    internal void Recheck()
    {
        if (_watch is null || _user is null)
        {
            return;
        }

        string? ended;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Read under the lock, so that of two rechecks racing (a settings change and the timer, or two reloads) the
            // one that sets the timer last read last, and the newest expiry is the one waited for. The expiry first,
            // then whether access has ended: the clock moves between the two readings, and a key that expires in
            // between must be found ended (the other order found it unexpired, then without an expiry to wait for).
            var expires = _watch.ExpiresAt(_user);
            ended = _watch.Ended(_user, _feeds);
            _expiry?.Dispose();
            _expiry = null;
            if (ended is null && expires is { } end)
            {
                var remaining = end - _timeProvider.GetUtcNow();
                _expiry = _timeProvider.CreateTimer(static state => ((AccessLease)state!).Recheck(), this, remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining, Timeout.InfiniteTimeSpan);
            }
        }

        // Outside the lock: cancelling runs the stream's callbacks, which may end it and dispose this lease.
        if (ended is not null)
        {
            Volatile.Write(ref _reason, ended);
            try
            {
                _ended.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream ended first.
            }
        }
    }
}
