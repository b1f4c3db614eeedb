using Microsoft.Net.Http.Headers;

namespace Tributary.App.Security;

/// <summary>
/// Where a request carries its key or token: <c>Authorization: Bearer …</c>, or, for clients that cannot set headers
/// (<c>EventSource</c>, browser WebSockets), an <c>access_token</c> query parameter, as SignalR's clients send it.
/// </summary>
public static class BearerToken
{
    public const string QueryParameter = "access_token";

    public static string? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[HeaderNames.Authorization].ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header["Bearer ".Length..].Trim();
            return token.Length == 0 ? null : token;
        }

        var query = request.Query[QueryParameter].ToString();
        return string.IsNullOrWhiteSpace(query) ? null : query.Trim();
    }
}
