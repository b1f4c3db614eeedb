using Microsoft.AspNetCore.Components.Authorization;
using Tributary.App.Security;

namespace Tributary.App.Dashboard.Client;

/// <summary>
/// What the circuit's hub client presents so the hub sees the signed-in user, not the server: a fresh
/// <see cref="CircuitTickets"/> ticket for each connection attempt, or nothing when authentication is off.
/// </summary>
public sealed class CircuitCredentials(AuthenticationStateProvider authentication, FeedAccess access, CircuitTickets tickets)
{
    public async Task<string?> TicketAsync()
    {
        if (!access.Enabled)
        {
            return null;
        }

        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return user.Identity?.IsAuthenticated == true ? tickets.Issue(user) : null;
    }
}
