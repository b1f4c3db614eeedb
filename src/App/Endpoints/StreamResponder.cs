using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Requests;
using Tributary.App.Streams;
using Tributary.Streaming.Compression;
using Tributary.Streaming.Formatting;
using Tributary.Streaming.Records;

namespace Tributary.App.Endpoints;

/// <summary>
/// Writes one merged stream to an HTTP response. The stream's token (from its <see cref="StreamSession"/>: the client
/// leaving, the server stopping, the caller's access ending, the duration limit) flows into the merge's scoped
/// producer, so whichever comes first stops every producer of the stream; the open stream says how it ended, and
/// the response's last record tells the client, unless the client is gone.
/// </summary>
public sealed class StreamResponder(
    MergedStreams mergedStreams,
    IOptions<StreamingOptions> options,
    TimeProvider timeProvider,
    StreamFlushClock flushClock)
{
    public const string Endpoint = "/api/stream";

    /// <param name="context">The request to answer.</param>
    /// <param name="request">What to stream.</param>
    /// <param name="stream">The admitted stream: its token, its activity and how it ends.</param>
    public async Task StreamAsync(HttpContext context, StreamRequest request, StreamSession stream)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stream);
        var formatter = request.Format.CreateFormatter();
        var coding = ContentCoding.Negotiate(context.Request.Headers.AcceptEncoding);
        await StartResponseAsync(context, formatter, coding);

        var compressor = coding is { } format ? new LiveCompressionWriter(context.Response.Body, format) : null;
        await using (compressor)
        {
            var output = new CountingLiveOutput(compressor ?? (ILiveOutput)new StreamLiveOutput(context.Response.Body), stream.Activity);
            var writer = new LiveBatchWriter(output, timeProvider, flushClock.Clock);
            if (!await CopyAsync(request, formatter, writer, stream))
            {
                return;
            }

            await FinishAsync(writer, compressor, context.RequestAborted);
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
    private async Task<bool> CopyAsync(StreamRequest request, FeedRecordFormatter formatter, LiveBatchWriter writer, StreamSession stream)
    {
        var settings = options.Value;
        // No token here: the writer enumerates with its own, linked to the stream's, and an async iterator given
        // a second token links the two in yet another token source, for every stream.
        var items = mergedStreams.Open(request.Selection, CancellationToken.None, quietWhenCancelled: true);

        var heartbeat = request.Format == StreamFormat.Sse
            ? new LiveHeartbeat(settings.HeartbeatInterval, batch => formatter.WriteComment("heartbeat", batch))
            : null;
        var position = new StreamPositionWriter(request.Selection.Feeds, request.Selection.Since);
        var activity = stream.Activity;
        StreamEnding ending;
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
                stream.Token);
            // The items may have ended because the stream was cancelled (see Open): the stream's token tells the
            // two apart, without an exception thrown through every layer. The writer returns the moment the items
            // end, so a cancellation that only came after a feed's own last item is read as the stream's ending.
            ending = stream.End(stream.Token.IsCancellationRequested ? new OperationCanceledException(stream.Token) : null)!;
        }
        catch (Exception error) when (stream.End(error) is { } ended)
        {
            // A fault that is none of a stream's endings propagates to the host, which logs it.
            ending = ended;
        }

        if (ending.Record is { } last)
        {
            formatter.WriteControl(last, ending.Feed, ending.Message!, writer.Batch);
        }

        return ending != StreamEnding.ClientLeft;
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
