using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Security;
using Tributary.Streaming.Compression;
using Tributary.Streaming.Formatting;
using Tributary.Streaming.Records;

namespace Tributary.App.Endpoints;

/// <summary>
/// Writes one merged stream to an HTTP response. The request's abort token and the server's stopping token
/// flow into the merge's scoped producer, so a client that leaves stops every producer of its stream.
/// Every way a stream ends is deliberate: items run out or the limit is reached (clean end), a feed fails
/// (error record), the server stops (shutdown record), the duration limit passes (end record), the caller's
/// access ends (error record), or the client leaves (nothing more to write).
/// </summary>
public sealed class StreamResponder(
    MergedStreams mergedStreams,
    StreamStats stats,
    IOptions<StreamingOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    StreamFlushClock flushClock,
    ILogger<StreamResponder> logger)
{
    public const string Endpoint = "/api/stream";

    /// <param name="context">The request to answer.</param>
    /// <param name="request">What to stream.</param>
    /// <param name="access">Ends the stream, with an error record, when the caller's access ends.</param>
    public async Task StreamAsync(HttpContext context, StreamRequest request, AccessLease access)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(access);
        var aborted = context.RequestAborted;
        using var activity = stats.BeginStream(Endpoint, StreamClient.Of(context.User, context.Connection.RemoteIpAddress), request.Selection.Feeds);
        activity.EndsWhen(aborted);
        using var streamLifetime = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping, access.Token);
        if (options.Value.MaxStreamDuration is { } maxDuration)
        {
            streamLifetime.CancelAfter(maxDuration);
        }

        var formatter = request.Format.CreateFormatter();
        var coding = ContentCoding.Negotiate(context.Request.Headers.AcceptEncoding);
        await StartResponseAsync(context, formatter, coding);

        var compressor = coding is { } format ? new LiveCompressionWriter(context.Response.Body, format) : null;
        await using (compressor)
        {
            var output = new CountingLiveOutput(compressor ?? (ILiveOutput)new StreamLiveOutput(context.Response.Body), activity);
            var writer = new LiveBatchWriter(output, timeProvider, flushClock.Clock);
            if (!await CopyAsync(request, formatter, writer, activity, access, streamLifetime.Token, aborted))
            {
                return;
            }

            await FinishAsync(writer, compressor, aborted);
        }
    }

    private static async Task StartResponseAsync(HttpContext context, FeedRecordFormatter formatter, LiveCompressionFormat? coding)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = formatter.ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers.Vary = "Accept-Encoding";
        if (coding is { } format)
        {
            response.Headers.ContentEncoding = format.HeaderValue();
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // Send the headers now: an SSE client should see the stream open before the first item.
        await response.StartAsync(context.RequestAborted);
    }

    /// <returns>False when the client has gone and nothing more can be written.</returns>
    private async Task<bool> CopyAsync(
        StreamRequest request,
        FeedRecordFormatter formatter,
        LiveBatchWriter writer,
        StreamActivity activity,
        AccessLease access,
        CancellationToken streamToken,
        CancellationToken aborted)
    {
        var settings = options.Value;
        // No token here: the writer enumerates with its own, linked to streamToken, and an async iterator given
        // a second token links the two in yet another token source, for every stream.
        var items = mergedStreams.Open(request.Selection, CancellationToken.None);

        var heartbeat = request.Format == StreamFormat.Sse
            ? new LiveHeartbeat(settings.HeartbeatInterval, batch => formatter.WriteComment("heartbeat", batch))
            : null;
        var position = new StreamPositionWriter(request.Selection.Feeds, request.Selection.Since);
        try
        {
            await writer.CopyAsync(
                items,
                (item, batch) =>
                {
                    activity.Delivered(item.Data);
                    if (item.Data is FeedControl control)
                    {
                        formatter.WriteControl(control, item.Feed, batch);
                        return;
                    }

                    if (formatter.CarriesPosition)
                    {
                        formatter.WriteItem(item, position.Advance(item), batch);
                    }
                    else
                    {
                        formatter.WriteItem(item, batch);
                    }
                },
                heartbeat,
                streamToken);
            activity.End(StreamEndReason.Completed);
            return true;
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // The client left: the merge has already stopped its producers; there is no one to tell.
            activity.End(StreamEndReason.ClientLeft);
            return false;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            activity.End(StreamEndReason.ServerStopping);
            formatter.WriteControl(FeedControlKind.Shutdown, null, "The server is shutting down; reconnect to resume.", writer.Batch);
            return true;
        }
        catch (OperationCanceledException) when (access.Token.IsCancellationRequested)
        {
            activity.End(StreamEndReason.AccessEnded);
            formatter.WriteControl(FeedControlKind.Error, null, access.Reason, writer.Batch);
            return true;
        }
        catch (OperationCanceledException) when (streamToken.IsCancellationRequested && settings.MaxStreamDuration is { } max)
        {
            activity.End(StreamEndReason.MaxDuration);
            formatter.WriteControl(FeedControlKind.End, null, $"The stream reached its maximum duration of {max}; reconnect to continue.", writer.Batch);
            return true;
        }
        catch (FeedFailedException failure)
        {
            // The boundary logs once, with detail; the client gets the feed's name but not server internals.
            StreamApiLog.StreamEndedByFailure(logger, failure);
            activity.End(StreamEndReason.Failed);
            formatter.WriteControl(FeedControlKind.Error, failure.Feed, failure.ClientMessage, writer.Batch);
            return true;
        }
    }

    private static async Task FinishAsync(LiveBatchWriter writer, LiveCompressionWriter? compressor, CancellationToken aborted)
    {
        try
        {
            await writer.FlushAsync(aborted);
            if (compressor is not null)
            {
                await compressor.CompleteAsync(aborted);
            }
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // The client left while the final record was on its way.
        }
    }
}
