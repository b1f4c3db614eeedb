using System.Globalization;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Endpoints;

/// <summary>
/// Turns away every request that arrives once the server is stopping, with 503 and <c>Retry-After</c>.
/// Kestrel keeps listening until the hosted services stop, after <c>ApplicationStopping</c>; SignalR closes its
/// connections in that callback and its clients retry at once, so without this a client reconnects to the
/// server that is going away, and the stop waits for the new connection until the host's shutdown timeout.
/// A stream started in that window would also miss the shutdown record its peers get.
/// </summary>
internal sealed class ServerStoppingGate(RequestDelegate next, IHostApplicationLifetime lifetime, IOptions<StreamingOptions> options)
{
    public Task InvokeAsync(HttpContext context) =>
        lifetime.ApplicationStopping.IsCancellationRequested ? RefuseAsync(context) : next(context);

    private Task RefuseAsync(HttpContext context)
    {
        var retryAfter = options.Value.RetryAfterSeconds;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.Connection = "close";
        return TypedResults.Problem(
            detail: $"The server is shutting down. Retry after {retryAfter} s; behind a load balancer, another instance will answer.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Shutting down").ExecuteAsync(context);
    }
}
