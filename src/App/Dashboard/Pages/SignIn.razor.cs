using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Tributary.App.Security;

namespace Tributary.App.Dashboard.Pages;

/// <summary>
/// Signs a dashboard user in with an access key: the key is checked against <c>Auth:Keys</c> and exchanged for an
/// HttpOnly, SameSite=Strict cookie (Secure under HTTPS) that names the key but does not contain it.
/// </summary>
public sealed partial class SignIn
{
    [Inject]
    private FeedAccess Access { get; set; } = null!;

    [Inject]
    private AccessKeys Keys { get; set; } = null!;

    [Inject]
    private IOptions<AuthOptions> Auth { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private ILogger<SignIn> Logger { get; set; } = null!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = null!;

    // Set in OnInitialized, not by an initializer: a form post would replace an initializer's value with null (BL0008).
    [SupplyParameterFromForm]
    private SignInInput Input { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    [SupplyParameterFromQuery(Name = "signedout")]
    private bool SignedOut { get; set; }

    private string? Problem { get; set; }

    private bool KeysAccepted => Auth.Value.Mode.HasFlag(AuthModes.Keys);

    protected override void OnInitialized() => Input ??= new();

    private async Task SignInAsync()
    {
        var key = string.IsNullOrWhiteSpace(Input.Key) ? null : Keys.Find(Input.Key.Trim());
        if (key is null)
        {
            SecurityLog.SignInRefused(Logger);
            // Never echo a submitted key back into the page.
            Input.Key = null;
            Problem = "That key is not valid: it is unknown, revoked or expired. Check it and try again.";
            return;
        }

        var session = new Claim(TributaryClaims.Session, Guid.NewGuid().ToString("N"));
        var principal = AccessKeys.PrincipalFor(key, SecurityServices.CookieScheme, session);
        var lifetimeEnd = Time.GetUtcNow() + Auth.Value.SignInLifetime;
        await HttpContext.SignInAsync(SecurityServices.CookieScheme, principal, new AuthenticationProperties
        {
            // A key that expires sooner than a sign-in lasts takes the sign-in with it.
            ExpiresUtc = key.Expires is { } expires && expires < lifetimeEnd ? expires : null,
        });
        SecurityLog.SignedIn(Logger, key.Name);
        Navigation.NavigateTo(LocalOnly(Input.ReturnUrl ?? ReturnUrl), forceLoad: true);
    }

    // Only a path on this site: a sign-in link must not be able to send the user elsewhere afterwards.
    private static string LocalOnly(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";

    public sealed class SignInInput
    {
        public string? Key { get; set; }

        public string? ReturnUrl { get; set; }
    }
}
