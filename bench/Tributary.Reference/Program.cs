using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

// The physical reference for Tributary's stream: one loop per request writes the same records as
// /api/stream (`{"feed":"c1","seq":1,"ts":"…","data":{"value":1}}`, feeds interleaved) straight into the
// response, written by hand into one 64 KB buffer that is flushed when full, with no channel, no task per feed
// and no per-stream bookkeeping beyond one count. It answers the same two requests the load harness makes of the
// app, so one client measures both (bench/reference-node/server.js is the same server on Node):
//   GET /api/stream?feeds=c1,c2[&count=N][&rate=R]   N items per feed (unbounded without); R items/s per feed
//                                                     (0 or absent: unthrottled); gzip with Accept-Encoding: gzip
//   GET /api/stats                                   {"activeStreams":n,"activeProducers":n}: loops running now
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/api/stream", ReferenceStream.WriteAsync);
app.MapGet("/api/stats", () => Results.Text(
    $$"""{"activeStreams":{{ReferenceStream.Active}},"activeProducers":{{ReferenceStream.Active}}}""", "application/json"));
app.Run();

internal static class ReferenceStream
{
    private const int FlushBytes = 64 * 1024;
    private static long s_active;

    public static long Active => Interlocked.Read(ref s_active);

    public static async Task WriteAsync(HttpContext context, string feeds, long? count, double? rate)
    {
        Interlocked.Increment(ref s_active);
        try
        {
            await WriteRecordsAsync(context, feeds, count ?? long.MaxValue, rate ?? 0, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref s_active);
        }
    }

    private static async Task WriteRecordsAsync(HttpContext context, string feeds, long count, double rate, CancellationToken cancellationToken)
    {
        var names = feeds.Split(",").Select(n => JsonEncodedText.Encode(n).EncodedUtf8Bytes.ToArray()).ToArray();
        var gzip = context.Request.Headers.AcceptEncoding.Any(v => v is not null && v.Contains("gzip", StringComparison.Ordinal));
        var response = context.Response;
        response.ContentType = "application/x-ndjson; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        if (gzip)
        {
            response.Headers.ContentEncoding = new StringValues("gzip");
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken);
        var batch = new byte[FlushBytes + 4096];
        await using var compressor = gzip ? new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true) : null;
        var output = compressor ?? response.Body;
        var pause = rate > 0 ? TimeSpan.FromSeconds(1 / rate) : TimeSpan.Zero;
        var length = 0;
        for (long seq = 1; seq <= count; seq++)
        {
            foreach (var name in names)
            {
                length += Record.Write(batch.AsSpan(length), name, seq, DateTime.UtcNow);
            }

            if (length >= FlushBytes || seq == 1 || seq == count || rate > 0)
            {
                await output.WriteAsync(batch.AsMemory(0, length), cancellationToken);
                await output.FlushAsync(cancellationToken);
                length = 0;
            }

            if (rate > 0)
            {
                await Task.Delay(pause, cancellationToken);
            }
        }
    }
}

/// <summary>One record, written by hand into a span: the least a server can do per item.</summary>
internal static class Record
{
    public static int Write(Span<byte> span, ReadOnlySpan<byte> feed, long seq, DateTime utc)
    {
        var at = Append(span, 0, "{\"feed\":\""u8);
        at = Append(span, at, feed);
        at = Append(span, at, "\",\"seq\":"u8);
        Utf8Formatter.TryFormat(seq, span[at..], out var written);
        at += written;
        at = Append(span, at, ",\"ts\":\""u8);
        Utf8Formatter.TryFormat(utc, span[at..], out written, new StandardFormat('O'));
        at += written;
        at = Append(span, at, "\",\"data\":{\"value\":"u8);
        Utf8Formatter.TryFormat(seq, span[at..], out written);
        at += written;
        return Append(span, at, "}}\n"u8);
    }

    private static int Append(Span<byte> span, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        return at + bytes.Length;
    }
}
