using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Tributary.App.Endpoints;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Sharing;
using Tributary.App.Streams;

namespace Tributary.App.Mercure;

/// <summary>
/// <c>GET /.well-known/mercure?topic=…</c>: a subscription, as server-sent events. It reads the hub's feed like any
/// reader of a shared feed (from the feed's head at the moment of subscribing, or after the update a
/// <c>Last-Event-ID</c> names) and lets through the updates its topics select and its token may see.
/// </summary>
internal static class MercureSubscribeEndpoint
{
    /// <summary>The special last event id that asks for every update history keeps.</summary>
    public const string Earliest = "earliest";

    public static async Task<IResult> SubscribeAsync(
        HttpContext context,
        FeedCatalog catalog,
        IFeedEngine engine,
        MercureTokens tokens,
        StreamGate gate,
        IOptions<MercureOptions> options)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return MercureHub.Off();
        }

        var request = context.Request;
        var topics = request.Query["topic"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();
        if (topics.Count == 0)
        {
            return MercureProblems.Problem(StatusCodes.Status400BadRequest, "Subscribe to at least one topic: add topic=<selector> to the address (a topic IRI, a URI template such as https://example.com/books/{id}, or * for all).");
        }

        if (TopicSelectors.TryParse(topics, out var invalid) is not { } requested)
        {
            return MercureProblems.Problem(StatusCodes.Status400BadRequest, $"The subscription's {invalid}.");
        }

        var credential = await tokens.SubscriberAsync(request);
        if (credential.Error is { } error)
        {
            return MercureProblems.InvalidToken(context, $"The subscriber's token was refused: {error}");
        }

        if (!credential.Presented && !settings.Anonymous)
        {
            return MercureProblems.NoToken(context, "This hub serves subscribers with a token only (Mercure:Anonymous is false): send it as a Bearer Authorization header or in the " + settings.CookieName + " cookie.");
        }

        var feed = catalog.Find(settings.Feed)!;
        var lastEventId = LastEventId(request);
        FeedStart start;
        string? resumedFrom;
        try
        {
            (start, resumedFrom) = await StartAsync(engine, feed, lastEventId, context.RequestAborted);
        }
        catch (FeedFailedException unavailable) when (unavailable.EngineUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
            return MercureProblems.Problem(StatusCodes.Status503ServiceUnavailable, unavailable.ClientMessage);
        }

        if (!StreamAdmission.TryOpen(context, gate, MercureHub.Path, [], out var stream, out var refusal))
        {
            return refusal;
        }

        using (stream)
        {
            await StartResponseAsync(context, resumedFrom);
            await CopyAsync(context, engine.SubscribeAsync(feed, start, 0, CancellationToken.None), new MercureAudience(requested, credential.Grant ?? MercureGrant.Anonymous), credential.Grant?.Expires, settings.Heartbeat, stream);
        }

        return TypedResults.Empty;
    }

    // The header wins over the query parameter, as the specification says; an empty one is no id.
    private static string? LastEventId(HttpRequest request)
    {
        var header = request.Headers["Last-Event-ID"].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        var query = request.Query["lastEventID"].ToString();
        return query.Length > 0 ? query : null;
    }

    // Where the subscription starts, and the id its response says it resumed after (earliest: from the oldest kept
    // update, which is also the answer for an id the hub does not know, so the subscriber can tell it may have missed some).
    private static async Task<(FeedStart Start, string? ResumedFrom)> StartAsync(IFeedEngine engine, FeedDefinition feed, string? lastEventId, CancellationToken cancellationToken)
    {
        if (lastEventId is null)
        {
            // From the head, not "live": an update published once the subscriber has its response is its, on any instance.
            return (FeedStart.Resume(await engine.HeadAsync(feed, cancellationToken)), null);
        }

        if (lastEventId == Earliest)
        {
            return (FeedStart.Last(int.MaxValue), Earliest);
        }

        return await engine.FindPublishedAsync(feed, lastEventId, cancellationToken) is { } position
            ? (FeedStart.Resume(position), lastEventId)
            : (FeedStart.Resume(await engine.HeadAsync(feed, cancellationToken)), Earliest);
    }

    private static async Task StartResponseAsync(HttpContext context, string? resumedFrom)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "private, no-cache, no-store, must-revalidate, max-age=0";
        response.Headers.Pragma = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        if (resumedFrom is not null)
        {
            response.Headers["Last-Event-ID"] = resumedFrom;
        }

        response.Headers[HeaderNames.Link] = $"<{MercureHub.Path}>; rel=\"mercure\"";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);
        // The headers go now, not with the first update: the subscriber's EventSource opens at once.
        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static async Task CopyAsync(HttpContext context, IAsyncEnumerable<Tributary.Streaming.Records.FeedItem<object>> items, MercureAudience audience, DateTimeOffset? expires, TimeSpan heartbeat, StreamSession stream)
    {
        // A subscription ends when its token does: the subscriber reconnects with a fresh one.
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stream.Token);
        if (expires is { } at)
        {
            lifetime.CancelAfter(TimeSpan.FromTicks(Math.Max(0, (at - DateTimeOffset.UtcNow).Ticks)));
        }

        var token = lifetime.Token;
        var body = context.Response.BodyWriter;
        try
        {
            await using var reader = items.GetAsyncEnumerator(token);
            var next = reader.MoveNextAsync().AsTask();
            try
            {
                while (await NextOrHeartbeatAsync(next, heartbeat, body, token))
                {
                    var item = reader.Current;
                    if (MercureUpdate.From(item.Data) is { } update && audience.Receives(update))
                    {
                        var bytes = MercureEventWriter.Event(update);
                        stream.Activity.Delivered(item.Data);
                        await body.WriteAsync(bytes, token);
                        stream.Activity.Wrote(bytes.Length);
                    }

                    next = reader.MoveNextAsync().AsTask();
                }
            }
            finally
            {
                // The reader is left only once its pending read has finished (it ends with the token).
                await Task.WhenAny(next);
            }

            stream.End(null);
        }
        catch (Exception error) when (Ended(stream, error, token))
        {
            // The subscriber left, the server is stopping, the stream's time or the token's is up: the response ends and
            // a subscriber that is still there reconnects, resuming from its last id.
        }
    }

    // Whether the read finished with an item (false: the feed ended); writes a heartbeat each time the wait for it passes one.
    private static async Task<bool> NextOrHeartbeatAsync(Task<bool> next, TimeSpan heartbeat, System.IO.Pipelines.PipeWriter body, CancellationToken token)
    {
        while (true)
        {
            try
            {
                return await next.WaitAsync(heartbeat, token);
            }
            catch (TimeoutException)
            {
                await body.WriteAsync(MercureEventWriter.Heartbeat, token);
            }
        }
    }

    private static bool Ended(StreamSession stream, Exception error, CancellationToken token)
    {
        if (stream.End(error) is not null)
        {
            return true;
        }

        // The token's expiry is this endpoint's own ending.
        if (error is OperationCanceledException && token.IsCancellationRequested)
        {
            stream.Activity.End(StreamEndReason.AccessEnded);
            return true;
        }

        return false;
    }
}
