using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Net.Http.Headers;

namespace Tributary.App.Security;

/// <summary>
/// Answers a refused API or hub request with <c>application/problem+json</c> that says what to do, instead of the
/// framework's empty 401/403; dashboard pages keep the default (a redirect to the sign-in page).
/// </summary>
public sealed class ProblemAuthorizationResultHandler(FeedAccess access, IProblemDetailsService problems, ILogger<ProblemAuthorizationResultHandler> logger)
    : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Succeeded || !Endpoints.ApiPaths.Contains(context.Request.Path))
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var permissions = access.For(context.User);
        var signedIn = permissions != Feeds.Requests.FeedPermissions.Nothing;
        var status = signedIn ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        var holder = permissions.Holder;
        SecurityLog.AccessRefused(logger, context.Request.Path, status, holder);
        context.Response.StatusCode = status;
        if (!signedIn)
        {
            context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        }

        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = status,
                Title = signedIn ? "Forbidden" : "Authentication required",
                Detail = signedIn
                    ? $"{Capitalize(holder)} lacks the stats permission this needs."
                    : "This server requires a credential: send an access key or token as 'Authorization: Bearer <key>', or as the access_token query parameter where headers cannot be set.",
            },
        });
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
