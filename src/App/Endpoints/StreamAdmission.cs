using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Endpoints;

/// <summary>
/// Admits an HTTP stream under the per-client rule every entry point shares (<c>Streaming:MaxStreamsPerClient</c>
/// across <c>/api/stream</c>, live exports and hub streams), or refuses it with 429 and <c>Retry-After</c>.
/// </summary>
internal static class StreamAdmission
{
    public static bool TryAdmit(
        HttpContext context,
        StreamLimiter limiter,
        StreamingOptions limits,
        ILogger logger,
        out IDisposable? lease,
        [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        var client = Security.StreamClient.Of(context.User, context.Connection.RemoteIpAddress);
        lease = limiter.TryAcquire(client);
        if (lease is not null)
        {
            refusal = null;
            return true;
        }

        StreamApiLog.TooManyStreams(logger, client, limits.MaxStreamsPerClient);
        context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        refusal = TypedResults.Problem(
            detail: $"This client already has {limits.MaxStreamsPerClient} open streams, the most allowed. Close one, or retry after {limits.RetryAfterSeconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many streams");
        return false;
    }
}
