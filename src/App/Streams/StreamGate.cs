using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Security;

namespace Tributary.App.Streams;

/// <summary>
/// Where every stream is admitted: <c>/api/stream</c>, history and live exports, and hub streams alike. It holds the
/// per-client rule (<c>Streaming:MaxStreamsPerClient</c>, shared by all of them) and hands out an
/// <see cref="StreamSession"/> that watches the stream's client, the server stopping, the caller's access to its feeds
/// and <c>Streaming:MaxStreamDuration</c>, and turns whichever comes first into the stream's ending.
/// </summary>
public sealed class StreamGate(
    StreamLimiter limiter,
    AccessWatch accessWatch,
    StreamStats stats,
    IOptions<StreamingOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<StreamGate> logger)
{
    /// <summary>What a client over the per-client limit is told (with <c>Retry-After</c> on HTTP).</summary>
    public string TooManyStreams =>
        $"This client already has {options.Value.MaxStreamsPerClient} open streams, the most allowed (Streaming:MaxStreamsPerClient). Close one, or retry after {RetryAfterSeconds} s.";

    public string RetryAfterSeconds => options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Admits a stream of <paramref name="feeds"/> for the caller, or returns null when the caller already holds
    /// its most streams (logged once, here).
    /// </summary>
    /// <param name="endpoint">The entry point, as <c>/api/stats</c> counts it.</param>
    /// <param name="user">The caller.</param>
    /// <param name="address">The caller's address, for anonymous callers.</param>
    /// <param name="feeds">What the stream carries: losing access to any of them ends it.</param>
    /// <param name="exemptFromClientLimit">An anonymous hub caller from an address the operator exempted.</param>
    /// <param name="clientGone">Cancelled when the client leaves (the request aborted, the invocation cancelled).</param>
    public StreamSession? TryOpen(string endpoint, ClaimsPrincipal user, IPAddress? address, IReadOnlyList<FeedDefinition> feeds, bool exemptFromClientLimit, CancellationToken clientGone)
    {
        ArgumentNullException.ThrowIfNull(user);
        var client = StreamClient.Of(user, address);
        var lease = exemptFromClientLimit ? null : limiter.TryAcquire(client);
        if (!exemptFromClientLimit && lease is null)
        {
            StreamEndLog.TooManyStreams(logger, endpoint, client, options.Value.MaxStreamsPerClient);
            return null;
        }

        StreamActivity? activity = null;
        AccessLease? access = null;
        try
        {
            activity = stats.BeginStream(endpoint, client, feeds);
            activity.EndsWhen(clientGone);
            access = accessWatch.Watch(user, feeds);
            return new StreamSession(lease, activity, access, options.Value.MaxStreamDuration, logger, lifetime.ApplicationStopping, clientGone);
        }
        catch
        {
            // Nothing half-open is left behind: the client's place, the count and the watch are given back.
            access?.Dispose();
            activity?.Dispose();
            lease?.Dispose();
            throw;
        }
    }
}
