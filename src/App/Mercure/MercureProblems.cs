namespace Tributary.App.Mercure;

/// <summary>
/// The hub's refusals: problem+json naming the problem, and for token problems the <c>WWW-Authenticate</c> header
/// RFC 6750 asks for, so Mercure clients and generic OAuth clients both understand them.
/// </summary>
internal static class MercureProblems
{
    public static IResult Problem(int status, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: status switch
        {
            StatusCodes.Status401Unauthorized => "Token required",
            StatusCodes.Status403Forbidden => "Not allowed",
            StatusCodes.Status404NotFound => "Hub off",
            StatusCodes.Status413PayloadTooLarge => "Too large",
            StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
            StatusCodes.Status429TooManyRequests => "Too many updates",
            StatusCodes.Status503ServiceUnavailable => "Unavailable",
            _ => "Invalid request",
        });

    /// <summary>No token, where one is needed.</summary>
    public static IResult NoToken(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Problem(StatusCodes.Status401Unauthorized, detail);
    }

    /// <summary>A token that does not verify.</summary>
    public static IResult InvalidToken(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Problem(StatusCodes.Status401Unauthorized, detail);
    }
}
