using Microsoft.Net.Http.Headers;

namespace Tributary.App.Security;

/// <summary>
/// Headers every response carries (<c>X-Content-Type-Options: nosniff</c>) and those HTML pages carry: a Content
/// Security Policy the dashboard runs under (Blazor Server and MudBlazor need no <c>eval</c> and no inline script;
/// Blazor and MudBlazor set inline styles, hence <c>'unsafe-inline'</c> for styles only), no framing, and a referrer
/// policy that keeps page addresses (which hold feed selections) on this site.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string PageContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state => Apply((HttpResponse)state), context.Response);
        return next(context);
    }

    private static Task Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        // A response that set its own policy (a file download's sandbox) keeps it.
        if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true && !headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
        {
            headers[HeaderNames.ContentSecurityPolicy] = PageContentSecurityPolicy;
            headers[HeaderNames.XFrameOptions] = "DENY";
            headers["Referrer-Policy"] = "same-origin";
        }

        return Task.CompletedTask;
    }
}
