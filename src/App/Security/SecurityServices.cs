using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Tributary.App.Security;

/// <summary>
/// Authentication (keys, JWT, the dashboard's cookie and circuit tickets), the authorization policies, origin and
/// header rules, forwarded headers from known proxies, and connection limits, composed in one place.
/// </summary>
public static class SecurityServices
{
    /// <summary>Picks the scheme for each request: a presented key, ticket or token decides; otherwise the cookie.</summary>
    public const string SelectingScheme = "Tributary";

    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public const string CookieName = "Tributary.Auth";

    public const string SignInPath = "/signin";

    public const string SignOutPath = "/signout";

    /// <summary>The log category of the host's "Request starting GET /path?query" lines.</summary>
    public const string RequestLineLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static IServiceCollection AddSecurity(this IServiceCollection services)
    {
        // Validated by AuthSettings, which every reader of these settings goes through (a monitor's reload would throw).
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section)
            .Validate(
                p => p.KnownProxies.All(a => IPAddress.TryParse(a, out _)) && p.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "ForwardedHeaders:KnownProxies must be IP addresses and ForwardedHeaders:KnownNetworks CIDR networks such as 10.0.0.0/24.")
            .ValidateOnStart();
        services.AddSingleton<AuthSettings>();
        services.AddSingleton<AccessKeys>();
        services.AddSingleton<SignedOutSessions>();
        services.AddSingleton<FeedAccess>();
        services.AddSingleton<AccessWatch>();
        services.AddSingleton<CircuitTickets>();
        services.AddSingleton<IAuthorizationHandler, AccessRequirementHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        // Kestrel:Limits in configuration (connection caps, header and keep-alive timeouts); ConnectionLimits fills
        // in the caps it leaves unset.
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) => configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits));
        services.AddSingleton<IPostConfigureOptions<KestrelServerOptions>, ConnectionLimits>();
        services.AddAuthorization(TributaryPolicies.Add);
        services.AddCascadingAuthenticationState();

        services.AddAuthentication(SelectingScheme)
            .AddPolicyScheme(SelectingScheme, displayName: null, options => options.ForwardDefaultSelector = SchemeFor)
            .AddScheme<AuthenticationSchemeOptions, AccessKeyHandler>(AccessKeyHandler.SchemeName, displayName: null, _ => { })
            .AddScheme<AuthenticationSchemeOptions, CircuitTicketHandler>(CircuitTicketHandler.SchemeName, displayName: null, _ => { })
            .AddCookie(CookieScheme)
            .AddJwtBearer();
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<IOptions<AuthOptions>>(ConfigureCookie);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>(ConfigureJwt);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>(ConfigureProxies);
        // The host's request-line log writes the query string, where an access_token may be; with credentials in
        // play it is off, whatever Logging:LogLevel says (added last, so it wins over configuration).
        services.AddOptions<LoggerFilterOptions>().PostConfigure<IOptions<AuthOptions>>((filters, auth) =>
        {
            if (auth.Value.Enabled)
            {
                SilenceRequestLine(filters);
            }
        });
        return services;
    }

    /// <summary>The request pipeline's security part, in order: real client address, headers, origins, who, what.</summary>
    public static WebApplication UseSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = app.Services.GetRequiredService<AuthSettings>(); // checks the Auth section now, before anything listens
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.Any)
        {
            app.UseForwardedHeaders();
        }

        // Only over HTTPS, and never for localhost (HstsOptions' default exclusions).
        app.UseHsts();
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<OriginCheck>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.Lifetime.ApplicationStarted.Register(() => WarnIfOpen(app));
        return app;
    }

    /// <summary>The sign-out endpoint: a form post (antiforgery-checked) from the dashboard's header.</summary>
    public static IEndpointRouteBuilder MapSignOut(this IEndpointRouteBuilder app)
    {
        app.MapPost(SignOutPath, SignOutAsync).ExcludeFromDescription();
        return app;
    }

    // The form field only makes the endpoint a form endpoint, which is what turns on its antiforgery check.
    private static async Task<RedirectHttpResult> SignOutAsync(
        HttpContext context,
        [Microsoft.AspNetCore.Mvc.FromForm(Name = "signout")] string? confirm,
        SignedOutSessions signedOut,
        IOptions<AuthOptions> auth,
        ILogger<SignedOutSessions> logger)
    {
        _ = confirm;
        if (context.User.Identity?.IsAuthenticated == true)
        {
            SecurityLog.SignedOut(logger, context.User.Identity.Name ?? "");
            // Remembered for as long as the cookie could be replayed; this also ends the session's open streams.
            signedOut.Add(context.User, auth.Value.SignInLifetime);
        }

        await context.SignOutAsync(CookieScheme);
        return TypedResults.Redirect(SignInPath + "?signedout=true");
    }

    private static string SchemeFor(HttpContext context)
    {
        var token = BearerToken.From(context.Request);
        if (token is null)
        {
            return CookieScheme;
        }

        if (token.StartsWith(CircuitTickets.Prefix, StringComparison.Ordinal))
        {
            return CircuitTicketHandler.SchemeName;
        }

        var mode = context.RequestServices.GetRequiredService<AuthSettings>().Current.Mode;
        return token.StartsWith(AccessKeys.Prefix, StringComparison.Ordinal) || !mode.HasFlag(AuthModes.Jwt)
            ? AccessKeyHandler.SchemeName
            : JwtBearerDefaults.AuthenticationScheme;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions cookie, IOptions<AuthOptions> auth)
    {
        cookie.Cookie.Name = CookieName;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Strict;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.LoginPath = SignInPath;
        cookie.ExpireTimeSpan = auth.Value.SignInLifetime;
        cookie.SlidingExpiration = true;
        cookie.Events.OnValidatePrincipal = context =>
        {
            // A revoked or expired key, or a signed-out session, ends the sign-in at its next request.
            var access = context.HttpContext.RequestServices.GetRequiredService<FeedAccess>();
            if (context.Principal is { } user && access.HasEnded(user))
            {
                context.RejectPrincipal();
                return context.HttpContext.SignOutAsync(CookieScheme);
            }

            return Task.CompletedTask;
        };
    }

    private static void ConfigureJwt(JwtBearerOptions jwt, IOptions<AuthOptions> auth)
    {
        var settings = auth.Value.Jwt;
        jwt.MapInboundClaims = false;
        jwt.Authority = string.IsNullOrWhiteSpace(settings.Authority) ? null : settings.Authority;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKey = string.IsNullOrWhiteSpace(settings.SigningKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.SigningKey)),
            NameClaimType = "sub",
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        jwt.Events = new JwtBearerEvents
        {
            // Browser WebSockets and EventSource cannot send headers: take the token from access_token too.
            OnMessageReceived = context =>
            {
                context.Token = BearerToken.From(context.Request);
                return Task.CompletedTask;
            },
        };
    }

    // Off for every provider: once a provider has rules of its own (Logging:Console:LogLevel, Logging:OpenTelemetry:
    // LogLevel…), only those apply to it and a rule for all providers is ignored, so each such provider gets this one too.
    private static void SilenceRequestLine(LoggerFilterOptions filters)
    {
        var providers = filters.Rules.Select(rule => rule.ProviderName).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        filters.AddFilter(RequestLineLogCategory, LogLevel.None);
        foreach (var provider in providers)
        {
            filters.Rules.Add(new LoggerFilterRule(provider, RequestLineLogCategory, LogLevel.None, filter: null));
        }
    }

    private static void ConfigureProxies(ForwardedHeadersOptions forwarded, IOptions<ProxyOptions> proxies)
    {
        var settings = proxies.Value;
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.ForwardLimit = settings.ForwardLimit;
        // The framework trusts loopback by default; only what is configured is trusted here.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in settings.KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in settings.KnownNetworks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }

    private static void WarnIfOpen(WebApplication app)
    {
        if (app.Services.GetRequiredService<FeedAccess>().Enabled)
        {
            return;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var open = addresses.FirstOrDefault(a => !IsLoopback(a));
        if (open is not null)
        {
            SecurityLog.OpenOnNetwork(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecurityServices).FullName!), open);
        }
    }

    private static bool IsLoopback(string address)
    {
        var host = BindingAddress.Parse(address).Host;
        return host is "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
