using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;
using Tributary.App.Feeds;
using Tributary.App.Streams;

namespace Tributary.App.Endpoints;

/// <summary>
/// Admits an HTTP stream through the <see cref="StreamGate"/> every entry point shares, or refuses it with 429 and
/// <c>Retry-After</c> when the client already holds its most streams.
/// </summary>
internal static class StreamAdmission
{
    public static bool TryOpen(
        HttpContext context,
        StreamGate gate,
        string endpoint,
        IReadOnlyList<FeedDefinition> feeds,
        [NotNullWhen(true)] out StreamSession? stream,
        [NotNullWhen(false)] out ProblemHttpResult? refusal)
    {
        stream = gate.TryOpen(endpoint, context.User, context.Connection.RemoteIpAddress, feeds, exemptFromClientLimit: false, context.RequestAborted);
        if (stream is not null)
        {
            refusal = null;
            return true;
        }

        context.Response.Headers.RetryAfter = gate.RetryAfterSeconds;
        refusal = TypedResults.Problem(detail: gate.TooManyStreams, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many streams");
        return false;
    }
}
