using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Tributary.App.Security;

/// <summary>Authenticates the dashboard's own hub connections by their <see cref="CircuitTickets"/> ticket.</summary>
public sealed class CircuitTicketHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    CircuitTickets tickets) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "CircuitTicket";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = BearerToken.From(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // A ticket stands for a signed-in user only where the dashboard's server side needs it: the hub and stats.
        if (!IsTicketPath(Request.Path) || tickets.Read(presented) is not { } user)
        {
            SecurityLog.KeyRefused(Logger, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("The dashboard ticket is not valid here, or has expired."));
        }

        var identity = new ClaimsIdentity(user.Claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    private static bool IsTicketPath(PathString path) =>
        path.StartsWithSegments(Hubs.FeedHub.Path, StringComparison.OrdinalIgnoreCase) || path.Equals("/api/stats", StringComparison.OrdinalIgnoreCase);
}
