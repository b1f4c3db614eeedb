using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;

namespace Tributary.App.Security;

/// <summary>
/// Lets a dashboard circuit call the feed hub as its signed-in user without holding the user's key: a short-lived
/// ticket of the user's claims, protected with the app's data-protection keys (as the sign-in cookie is), sent as the
/// hub connection's bearer token. A fresh one is issued for every connection attempt; it is good only for the hub.
/// </summary>
public sealed class CircuitTickets(IDataProtectionProvider protection, TimeProvider timeProvider)
{
    public const string Prefix = "trbc_";

    /// <summary>Long enough for one connection attempt; the hub re-checks the user's access for every stream.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private readonly TicketDataFormat _format = new(protection.CreateProtector("Tributary.CircuitTicket.v1"));

    public string Issue(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var properties = new AuthenticationProperties { ExpiresUtc = timeProvider.GetUtcNow() + Lifetime };
        return Prefix + _format.Protect(new AuthenticationTicket(user, properties, CircuitTicketHandler.SchemeName));
    }

    /// <summary>The user a ticket stands for, or <see langword="null"/> if it is forged, damaged or expired.</summary>
    public ClaimsPrincipal? Read(string ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (!ticket.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var unprotected = _format.Unprotect(ticket[Prefix.Length..]);
        return unprotected?.Properties.ExpiresUtc is { } expires && expires > timeProvider.GetUtcNow() ? unprotected.Principal : null;
    }
}
