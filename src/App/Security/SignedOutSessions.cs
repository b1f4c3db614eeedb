using System.Collections.Concurrent;
using System.Security.Claims;

namespace Tributary.App.Security;

/// <summary>
/// Dashboard sign-ins that were signed out, remembered for as long as their cookie could still be presented, so a
/// copied cookie stops working too and the session's open streams end (<see cref="AccessWatch"/>). Kept on this
/// instance only: behind several instances, signing out ends streams here and the cookie's lifetime bounds the rest.
/// </summary>
public sealed class SignedOutSessions(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _ended = new(StringComparer.Ordinal);

    /// <summary>Raised after a session is signed out.</summary>
    public event Action? Changed;

    public void Add(ClaimsPrincipal user, TimeSpan remember)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.FindFirst(TributaryClaims.Session)?.Value is not { } session)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        foreach (var (old, until) in _ended)
        {
            if (until <= now)
            {
                _ended.TryRemove(old, out _);
            }
        }

        _ended[session] = now + remember;
        Changed?.Invoke();
    }

    public bool Contains(ClaimsPrincipal user) =>
        user.FindFirst(TributaryClaims.Session)?.Value is { } session && _ended.ContainsKey(session);
}
