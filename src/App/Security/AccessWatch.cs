using System.Collections.Concurrent;
using System.Security.Claims;

namespace Tributary.App.Security;

/// <summary>
/// Ends a stream when its caller's access ends while it runs: the key is removed or changed in configuration, the
/// key or token expires (or its expiry is moved), or the dashboard session signs out. A stream links
/// <see cref="AccessLease.Token"/> into its own lifetime and, when it fires, tells its client <see cref="AccessLease.Reason"/>.
/// Open leases are kept in a set: each change re-checks every one, and a lease leaves the set when its stream ends.
/// </summary>
public sealed class AccessWatch : IDisposable
{
    private readonly FeedAccess _access;
    private readonly SignedOutSessions _signedOut;
    private readonly TimeProvider _timeProvider;
    private readonly AuthSettings _settings;
    private readonly ConcurrentDictionary<AccessLease, byte> _open = new();

    public AccessWatch(FeedAccess access, AuthSettings settings, SignedOutSessions signedOut, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(signedOut);
        _access = access;
        _settings = settings;
        _signedOut = signedOut;
        _timeProvider = timeProvider;
        settings.Changed += RecheckAll;
        signedOut.Changed += RecheckAll;
    }

    /// <summary>Watches <paramref name="user"/>'s access for one stream; dispose it when the stream ends.</summary>
    public AccessLease Watch(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!_access.Enabled)
        {
            return AccessLease.Unbounded;
        }

        var lease = new AccessLease(this, user, _timeProvider);
        _open.TryAdd(lease, 0);
        lease.Recheck();
        return lease;
    }

    public void Dispose()
    {
        _settings.Changed -= RecheckAll;
        _signedOut.Changed -= RecheckAll;
    }

    internal bool HasEnded(ClaimsPrincipal user) => _access.HasEnded(user);

    internal DateTimeOffset? ExpiresAt(ClaimsPrincipal user) => _access.ExpiresAt(user);

    internal void Forget(AccessLease lease) => _open.TryRemove(lease, out _);

    private void RecheckAll()
    {
        foreach (var lease in _open.Keys)
        {
            lease.Recheck();
        }
    }
}
