using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Tributary.App.Security;

/// <summary>
/// Ends a stream when its caller's access ends while it runs: the key is removed or changed in configuration, the
/// key or token expires, or the dashboard session signs out. A stream links <see cref="AccessLease.Token"/> into its
/// own lifetime and, when it fires, tells its client <see cref="AccessLease.Reason"/>.
/// </summary>
public sealed class AccessWatch : IDisposable
{
    private readonly FeedAccess _access;
    private readonly TimeProvider _timeProvider;
    private readonly IDisposable? _configChanges;
    private CancellationTokenSource _changed = new();

    public AccessWatch(FeedAccess access, IOptionsMonitor<AuthOptions> options, SignedOutSessions signedOut, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(signedOut);
        _access = access;
        _timeProvider = timeProvider;
        _configChanges = options.OnChange(_ => SignalChange());
        signedOut.Changed += SignalChange;
    }

    /// <summary>Watches <paramref name="user"/>'s access for one stream; dispose it when the stream ends.</summary>
    public AccessLease Watch(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!_access.Enabled)
        {
            return AccessLease.Unbounded;
        }

        var lease = new AccessLease(this, user);
        if (_access.ExpiresAt(user) is { } end)
        {
            lease.EndAt(end - _timeProvider.GetUtcNow(), _timeProvider);
        }

        lease.Recheck();
        return lease;
    }

    public void Dispose()
    {
        _configChanges?.Dispose();
        _changed.Dispose();
    }

    internal CancellationToken ChangeToken => Volatile.Read(ref _changed).Token;

    internal bool HasEnded(ClaimsPrincipal user) => _access.HasEnded(user);

    // Every watcher re-checks its caller; the fresh source is in place first, so a re-check registers on it.
    private void SignalChange()
    {
        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }
}
