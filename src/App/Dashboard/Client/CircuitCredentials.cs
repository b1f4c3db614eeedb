using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Tributary.App.Security;

namespace Tributary.App.Dashboard.Client;

/// <summary>
/// What the circuit's hub client presents so the hub sees who watches, not the server: a fresh
/// <see cref="CircuitTickets"/> ticket for each connection attempt, of the signed-in user, or, when authentication is
/// off, of this circuit's anonymous viewer. Every circuit reaches the hub from the server's own address; the ticket is
/// what makes each viewer a client of its own under <c>Streaming:MaxStreamsPerClient</c>.
/// </summary>
public sealed class CircuitCredentials(AuthenticationStateProvider authentication, FeedAccess access, CircuitTickets tickets, FeedServerAddress server)
{
    // Scoped: one per circuit.
    private readonly ClaimsPrincipal _viewer = new(new ClaimsIdentity([new Claim("sub", $"viewer-{Guid.NewGuid():N}")], "Viewer"));

    public async Task<string?> TicketAsync()
    {
        if (!access.Enabled)
        {
            // Another feed server could not read this app's tickets: there the dashboard host is one anonymous client.
            return server.IsThisApp ? tickets.Issue(_viewer) : null;
        }

        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return user.Identity?.IsAuthenticated == true ? tickets.Issue(user) : null;
    }
}
