using System.Security.Claims;

namespace Tributary.App.Security;

/// <summary>One stream's watch on its caller's access (<see cref="AccessWatch.Watch"/>).</summary>
public sealed class AccessLease : IDisposable
{
    private readonly AccessWatch? _watch;
    private readonly ClaimsPrincipal? _user;
    private readonly CancellationTokenSource _ended = new();
    private CancellationTokenRegistration _registration;
    private ITimer? _expiry;

    internal AccessLease(AccessWatch? watch, ClaimsPrincipal? user)
    {
        _watch = watch;
        _user = user;
    }

    /// <summary>For streams when authentication is off: never ends.</summary>
    public static AccessLease Unbounded => new(null, null);

    /// <summary>Cancelled when the caller's access ends.</summary>
    public CancellationToken Token => _ended.Token;

    /// <summary>What to tell the client when <see cref="Token"/> fires.</summary>
    public string Reason => "Access ended: the credential this stream was opened with was revoked, has expired or was signed out. Sign in again, or use a valid key.";

    public void Dispose()
    {
        _registration.Dispose();
        _expiry?.Dispose();
        _ended.Dispose();
    }

    internal void EndAt(TimeSpan remaining, TimeProvider timeProvider) =>
        _expiry = timeProvider.CreateTimer(_ => End(), null, remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining, Timeout.InfiniteTimeSpan);

    // Runs at start and after every change of keys or sign-outs: ends the stream, or waits for the next change.
    internal void Recheck()
    {
        if (_watch is null || _user is null)
        {
            return;
        }

        var change = _watch.ChangeToken;
        if (_watch.HasEnded(_user))
        {
            End();
            return;
        }

        _registration.Dispose();
        _registration = change.UnsafeRegister(static state => ((AccessLease)state!).Recheck(), this);
    }

    private void End()
    {
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
