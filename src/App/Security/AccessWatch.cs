using System.Collections.Concurrent;
using System.Security.Claims;
using Tributary.App.Feeds;

namespace Tributary.App.Security;

/// <summary>
/// Ends a stream when its caller's access ends while it runs: the key is removed or changed in configuration, the
/// key or token expires (or its expiry is moved), the dashboard session signs out, or one of the stream's feeds is
/// taken from the key (or the stats permission a <c>system</c> feed needs). A stream links
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

    /// <summary>Watches <paramref name="user"/>'s access to <paramref name="feeds"/> for one stream; dispose it when the stream ends.</summary>
    public AccessLease Watch(ClaimsPrincipal user, IReadOnlyList<FeedDefinition> feeds)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(feeds);
        if (!_access.Enabled)
        {
            return AccessLease.Unbounded;
        }

        var lease = new AccessLease(this, user, feeds, _timeProvider);
        _open.TryAdd(lease, 0);
        lease.Recheck();
        return lease;
    }

    public void Dispose()
    {
        _settings.Changed -= RecheckAll;
        _signedOut.Changed -= RecheckAll;
    }

    /// <summary>Why <paramref name="user"/> may no longer watch <paramref name="feeds"/>, or null while it may.</summary>
    internal string? Ended(ClaimsPrincipal user, IReadOnlyList<FeedDefinition> feeds)
    {
        if (_access.HasEnded(user))
        {
            return AccessLease.CredentialEnded;
        }

        var permissions = _access.For(user);
        return feeds.FirstOrDefault(f => !permissions.CanWatch(f)) is { } withdrawn
            ? $"Access ended: this credential may no longer watch feed '{withdrawn.Name}' (its feeds or permissions were changed). Open a stream of the feeds it may watch."
            : null;
    }

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
