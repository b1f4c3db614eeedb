using Microsoft.AspNetCore.Http.HttpResults;

namespace Tributary.App.Security;

/// <summary>
/// Logs every 403 an API endpoint answers itself (a feed or file the caller may not watch) as event 610, in one place:
/// refusals by policy are logged by <see cref="ProblemAuthorizationResultHandler"/> (602).
/// </summary>
internal sealed class FeedRefusalLog(ILogger<FeedRefusalLog> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        if (Refusal(result) is { StatusCode: StatusCodes.Status403Forbidden } refusal && logger.IsEnabled(LogLevel.Information))
        {
            var http = context.HttpContext;
            var path = http.Request.Path.Value ?? "";
            var holder = StreamClient.Of(http.User, http.Connection.RemoteIpAddress);
            SecurityLog.FeedRefused(logger, path, holder, refusal.ProblemDetails.Detail ?? "");
        }

        return result;
    }

    private static ProblemHttpResult? Refusal(object? result) => result switch
    {
        ProblemHttpResult problem => problem,
        INestedHttpResult { Result: ProblemHttpResult problem } => problem,
        _ => null,
    };
}
