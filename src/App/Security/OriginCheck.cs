using Microsoft.Net.Http.Headers;

namespace Tributary.App.Security;

/// <summary>
/// Refuses hub and Blazor connections that a browser opened from another site. WebSockets are not covered by CORS,
/// so without this a foreign page could open a stream that the browser authenticates with the user's cookie.
/// Requests without an <c>Origin</c> (curl, server-side clients, the dashboard's own hub client) are not browsers
/// acting for a page and pass; their credentials are checked as usual.
/// </summary>
public sealed class OriginCheck(RequestDelegate next, AuthSettings options, ILogger<OriginCheck> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var origin = request.Headers[HeaderNames.Origin].ToString();
        if (origin.Length == 0 || !IsGuarded(request.Path) || IsAllowed(request, origin))
        {
            await next(context);
            return;
        }

        SecurityLog.OriginRefused(logger, request.Path, origin);
        await Results.Problem(
            detail: $"Connections from origin '{origin}' are not accepted: only this site and Auth:AllowedOrigins may open them.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Origin not allowed").ExecuteAsync(context);
    }

    private static bool IsGuarded(PathString path) =>
        path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase);

    private static string HostWithoutDefaultPort(HostString host) =>
        host.Port is 80 or 443 ? host.Host : host.Value ?? "";

    private bool IsAllowed(HttpRequest request, string origin)
    {
        // This site: the Origin's host and port are the request's Host. The scheme is not compared, so a proxy that
        // terminates TLS (the app sees http, the browser says https) does not lock the dashboard out.
        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}", HostWithoutDefaultPort(request.Host), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return options.Current.AllowedOrigins.Any(allowed => string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }
}
