using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Tributary.App.Endpoints;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Sharing;
using Tributary.App.Streams;
using Tributary.Streaming.Records;

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

    // CancelAfter's longest delay is about 49.7 days; a token valid longer is ended by Streaming:MaxStreamDuration, if at all.
    private static readonly TimeSpan LongestExpiryTimer = TimeSpan.FromDays(49);

    public static async Task<IResult> SubscribeAsync(
        HttpContext context,
        FeedCatalog catalog,
        IFeedEngine engine,
        MercureTokens tokens,
        StreamGate gate,
        IOptions<MercureOptions> options,
        IOptions<StreamingOptions> streaming)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return MercureHub.Off();
        }

        // The token first: what a caller may not do costs it nothing of the server's.
        var request = context.Request;
        var credential = await tokens.SubscriberAsync(request);
        if (credential.Error is { } error)
        {
            return MercureProblems.InvalidToken(context, $"The subscriber's token was refused: {error}");
        }

        if (credential.Grant?.Expires <= DateTimeOffset.UtcNow)
        {
            // Within the verifier's clock skew, but a subscription would end at once, and its EventSource come straight back.
            return MercureProblems.InvalidToken(context, "The subscriber's token was refused: the token has expired.");
        }

        if (!credential.Presented && !settings.Anonymous)
        {
            return MercureProblems.NoToken(context, $"This hub serves subscribers with a token only (Mercure:Anonymous is false): send it as a Bearer Authorization header or in the {settings.CookieName} cookie.");
        }

        if (TopicSelectors.TryParse(request.Query["topic"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!), out var invalid) is not { } requested)
        {
            return MercureProblems.Problem(StatusCodes.Status400BadRequest, $"The subscription's {invalid}.");
        }

        if (requested.Count == 0)
        {
            return MercureProblems.Problem(StatusCodes.Status400BadRequest, "Subscribe to at least one topic: add topic=<selector> to the address (a topic IRI, a URI template such as https://example.com/books/{id}, or * for all).");
        }

        var audience = new MercureAudience(requested, credential.Grant ?? MercureGrant.Anonymous);
        if (!StreamAdmission.TryOpen(context, gate, MercureHub.Path, [], out var stream, out var refusal))
        {
            return refusal;
        }

        using (stream)
        {
            var feed = catalog.Find(settings.Feed)!;
            var lastEventId = LastEventId(request);
            try
            {
                var (start, resumedFrom) = await StartAsync(engine, feed, lastEventId, audience, stream.Token);
                await StartResponseAsync(context, resumedFrom);
                await CopyAsync(context, engine.SubscribeAsync(feed, start, 0, CancellationToken.None), start.After, audience, credential.Grant?.Expires, settings.Heartbeat, stream);
            }
            catch (FeedFailedException unavailable) when (unavailable.EngineUnavailable && !context.Response.HasStarted)
            {
                // EventSource gives up for good on any answer but 200: it is told to come back instead, as it does after
                // any ended stream, by which time the database (or another instance) answers again.
                stream.End(unavailable);
                await StartResponseAsync(context, lastEventId is not null && IsHeaderSafe(lastEventId) ? lastEventId : null);
                var retry = (streaming.Value.RetryAfterSeconds * 1000).ToString(CultureInfo.InvariantCulture);
                await context.Response.BodyWriter.WriteAsync(System.Text.Encoding.UTF8.GetBytes($": {unavailable.ClientMessage}\nretry: {retry}\n\n"), context.RequestAborted);
            }
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

    // Where the subscription starts, and the id its response says it resumed after: the one asked for, when the hub
    // still has that update and the subscriber may know of it; otherwise earliest (and the subscription starts from
    // now), which tells the subscriber it may have missed updates without telling it whether the id exists.
    private static async Task<(FeedStart Start, string? ResumedFrom)> StartAsync(IFeedEngine engine, FeedDefinition feed, string? lastEventId, MercureAudience audience, CancellationToken cancellationToken)
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

        if (lastEventId.StartsWith('#') && StreamPosition.TryParse($"{feed.Name}:{lastEventId[1..]}", out var written) && written.For(feed.Name) is { } position)
        {
            // A place in the feed the hub gave this subscriber itself (see PlaceId): good while history keeps what follows it.
            return await engine.KeepsAsync(feed, position, cancellationToken)
                ? (FeedStart.Resume(position), lastEventId)
                : (FeedStart.Resume(await engine.HeadAsync(feed, cancellationToken)), Earliest);
        }

        // An id a header cannot carry (from before ids had to be ASCII) is answered with the place it names.
        return await engine.FindPublishedAsync(feed, lastEventId, cancellationToken) is { } found && MercureUpdate.From(found.Data) is { } update && audience.MayKnowOf(update)
            ? (FeedStart.Resume(found.Position), IsHeaderSafe(lastEventId) ? lastEventId : PlaceId(found.Position))
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

    private static async Task CopyAsync(HttpContext context, IAsyncEnumerable<FeedItem<object>> items, FeedPosition? start, MercureAudience audience, DateTimeOffset? expires, TimeSpan heartbeat, StreamSession stream)
    {
        // A subscription ends when its token does: the subscriber reconnects with a fresh one.
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stream.Token);
        var token = lifetime.Token;
        try
        {
            if (expires is { } at && at - DateTimeOffset.UtcNow is var left && left < LongestExpiryTimer)
            {
                lifetime.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }

            await WriteUpdatesAsync(context.Response.BodyWriter, items, start, audience, heartbeat, stream.Activity, token);
            stream.End(null);
        }
        catch (Exception error) when (Ended(stream, error, token))
        {
            // The subscriber left, the server is stopping, the stream's time or the token's is up: the response ends and
            // a subscriber that is still there reconnects, resuming from its last id.
        }
        finally
        {
            // Stops the heartbeat timer of a subscription that has ended.
            await lifetime.CancelAsync();
        }
    }

    private static async Task WriteUpdatesAsync(System.IO.Pipelines.PipeWriter body, IAsyncEnumerable<FeedItem<object>> items, FeedPosition? start, MercureAudience audience, TimeSpan heartbeat, StreamActivity activity, CancellationToken token)
    {
        // The last place in the feed this subscriber has been given everything up to (its updates, and others' it skips).
        var place = start;
        await using var reader = items.GetAsyncEnumerator(token);
        var next = reader.MoveNextAsync().AsTask();
        try
        {
            var lastWrite = Stopwatch.GetTimestamp();
            Task? beat = null;
            while (true)
            {
                // A heartbeat goes when nothing was written for its interval, however many updates for others went by.
                var idle = Stopwatch.GetElapsedTime(lastWrite);
                if (idle >= heartbeat)
                {
                    await body.WriteAsync(MercureEventWriter.Heartbeat, token);
                    lastWrite = Stopwatch.GetTimestamp();
                    continue;
                }

                if (!next.IsCompleted)
                {
                    beat ??= Task.Delay(heartbeat - idle, token);
                    if (await Task.WhenAny(next, beat) == beat)
                    {
                        beat = null;
                        token.ThrowIfCancellationRequested();
                        continue;
                    }
                }

                if (!await next)
                {
                    return;
                }

                var item = reader.Current;
                if (item.Data is FeedControl { Kind: FeedControlKind.Gap })
                {
                    // The subscriber fell behind and updates were skipped: its EventSource is given the place it has
                    // everything up to as its last id (an id without data dispatches no event), and the response ends, so
                    // it reconnects and history gives it what it missed.
                    if (place is { } resume)
                    {
                        await body.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"id: {PlaceId(resume)}\n\n"), token);
                    }

                    return;
                }

                if (item.Data is FeedControl control)
                {
                    // A reset (history stopped reaching back to the resume point since it was checked) continues from
                    // the oldest kept update: that is the place from now on.
                    if (control.Kind == FeedControlKind.Reset)
                    {
                        place = new FeedPosition(item.Sequence, item.Epoch);
                    }

                    next = reader.MoveNextAsync().AsTask();
                    continue;
                }

                place = new FeedPosition(item.Sequence, item.Epoch);
                if (MercureEventWriter.For(item.Data) is { Update: { } update, Bytes: var bytes } && audience.Receives(update))
                {
                    activity.Delivered(item.Data);
                    await body.WriteAsync(bytes, token);
                    activity.Wrote(bytes.Length);
                    lastWrite = Stopwatch.GetTimestamp();
                }

                next = reader.MoveNextAsync().AsTask();
            }
        }
        finally
        {
            // The reader is left only once its pending read has finished (it ends with the token).
            await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// The id of a place in the hub's feed (<c>#seq@epoch</c>): a fragment, which the specification leaves to hubs for
    /// offsets and publishers may not use, so it never names an update and tells a subscriber nothing about any.
    /// </summary>
    private static string PlaceId(FeedPosition place) => "#" + place;

    // Printable ASCII: what a response header may carry.
    private static bool IsHeaderSafe(string value) => value.All(c => c is >= ' ' and <= '~');

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
