using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Tributary.App.Security;

/// <summary>Authenticates a request that presents an API key (<see cref="BearerToken"/>) against <c>Auth:Keys</c>.</summary>
public sealed class AccessKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    AccessKeys keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "AccessKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = BearerToken.From(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var key = keys.Find(presented);
        if (key is null)
        {
            // Never the presented value: it may be a real key with a typo, or someone else's.
            SecurityLog.KeyRefused(Logger, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("The access key is not valid: unknown, revoked or expired."));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(AccessKeys.PrincipalFor(key, SchemeName), SchemeName)));
    }
}
