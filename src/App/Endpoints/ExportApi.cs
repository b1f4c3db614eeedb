using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Sharing;
using Tributary.App.Feeds.Upstream;
using Tributary.App.Security;
using Tributary.App.Streams;
using Tributary.Streaming.Formatting;
using Tributary.Streaming.Records;

namespace Tributary.App.Endpoints;

/// <summary>
/// Large responses that are never held in memory: a feed exported as CSV or NDJSON (its history, or live),
/// and files from the export directory with range requests.
/// </summary>
public static class ExportApi
{
    /// <summary>How live exports are counted in <c>/api/stats</c>.</summary>
    public const string LiveEndpoint = "/api/export";

    public static IServiceCollection AddExportApi(this IServiceCollection services)
    {
        services.AddOptions<ExportOptions>().BindConfiguration(ExportOptions.Section);
        services.AddSingleton<ExportFiles>();
        return services;
    }

    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Exports").RequireAuthorization(TributaryPolicies.Watch).AddEndpointFilter<FeedRefusalLog>();
        api.MapGet("/export/{file}", ExportAsync).WithName("Export")
            .WithSummary("Streams a feed's history (or, with live=true, the feed itself) as CSV or NDJSON, as an attachment.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/files/{name}", GetFile).WithName("GetFile")
            .WithSummary("Serves a file from the export directory, with Range, ETag and Last-Modified.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status416RangeNotSatisfiable);
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ExportAsync(
        string file,
        HttpContext context,
        FeedCatalog catalog,
        FeedRequestRules rules,
        FeedAccess access,
        IFeedEngine sharedFeeds,
        MergedStreams mergedStreams,
        StreamGate gate,
        ILoggerFactory loggers,
        TimeProvider timeProvider)
    {
        var (name, formatter) = SplitExportName(file);
        var permissions = access.For(context.User);
        // A feed the caller may not watch is unknown to it: the answer must not tell the two apart.
        var feed = formatter is null ? null : rules.FindVisible(name, permissions);
        if (feed is null)
        {
            HiddenFeedLog.Refused(loggers.CreateLogger(typeof(ExportApi).FullName!), context, formatter is null ? null : catalog.Find(name)?.Name);
            return Problem(StatusCodes.Status404NotFound, formatter is null
                ? $"Export '{file}' is not a feed name ending in .csv or .ndjson."
                : $"Unknown feed '{name}'. Known feeds: {rules.KnownFeeds(permissions)}.");
        }

        var live = string.Equals(context.Request.Query["live"], "true", StringComparison.OrdinalIgnoreCase);
        if (!live && !feed.IsShared)
        {
            return Problem(StatusCodes.Status400BadRequest, $"Feed '{feed.Name}' runs privately for each stream and keeps no history to export; ask for live=true (with count for a bounded export).");
        }

        var (request, error) = live ? LiveRequest(context.Request.Query, feed, rules, permissions) : (null, null);
        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        // History or live, an export is a stream like any other: admitted under the per-client limit, counted, and
        // ended by the same rules (access, shutdown, duration).
        IReadOnlyList<FeedDefinition> feeds = request?.Feeds ?? [feed];
        if (!StreamAdmission.TryOpen(context, gate, LiveEndpoint, feeds, out var stream, out var refusal))
        {
            return refusal;
        }

        using (stream)
        {
            if (request is not null)
            {
                await WriteAsync(context, feed, formatter!, mergedStreams.Open(request, stream.Token), stream, timeProvider);
                return TypedResults.Empty;
            }

            // A history is read before the response starts, so a database that cannot be read is a 503 the client can
            // retry, not a file that ends early; once the body has started, it ends with an error record instead.
            await using var history = sharedFeeds.HistoryAsync(feed, stream.Token).GetAsyncEnumerator(stream.Token);
            bool first;
            StreamEnding? before = null;
            try
            {
                first = await history.MoveNextAsync();
            }
            catch (Exception failure) when ((before = stream.End(failure)) is not null)
            {
                first = false;
            }

            if (before is { } ending)
            {
                return Refusal(context, gate, ending);
            }

            await WriteAsync(context, feed, formatter!, FromStarted(history, first), stream, timeProvider);
        }

        return TypedResults.Empty;
    }

    // How a history export that ended before its body started is answered: the engine or the server unavailable is
    // a 503 to retry, access that ended a 403, a feed's failure a 500; all with the ending's own words.
    private static Results<EmptyHttpResult, ProblemHttpResult> Refusal(HttpContext context, StreamGate gate, StreamEnding ending)
    {
        if (ending == StreamEnding.ClientLeft)
        {
            return TypedResults.Empty;
        }

        var status = ending.Reason switch
        {
            StreamEndReason.AccessEnded => StatusCodes.Status403Forbidden,
            StreamEndReason.ServerStopping => StatusCodes.Status503ServiceUnavailable,
            _ when ending.Retryable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = gate.RetryAfterSeconds;
        }

        return Problem(status, ending.Message ?? "The export ended before it began.");
    }

    // The rest of a history whose first item was already read (the enumerator stays its caller's to dispose).
    private static async IAsyncEnumerable<FeedItem<object>> FromStarted(IAsyncEnumerator<FeedItem<object>> history, bool first)
    {
        for (var more = first; more; more = await history.MoveNextAsync())
        {
            yield return history.Current;
        }
    }

    // A live export is a stream of one feed; it takes the counter overrides with the stream endpoint's rules.
    private static (FeedRequest? Request, string? Error) LiveRequest(IQueryCollection query, FeedDefinition feed, FeedRequestRules rules, FeedPermissions permissions)
    {
        var (rate, count, error) = FeedQuery.ReadOverrides(query);
        if (error is not null)
        {
            return (null, error);
        }

        var (request, ruleError) = rules.Check(new FeedRequestInput([feed.Name], rate, count), permissions);
        return (request, ruleError);
    }

    private static async Task WriteAsync(
        HttpContext context,
        FeedDefinition feed,
        FeedRecordFormatter formatter,
        IAsyncEnumerable<FeedItem<object>> items,
        StreamSession stream,
        TimeProvider timeProvider)
    {
        var response = context.Response;
        var extension = formatter is CsvFormatter ? "csv" : "ndjson";
        response.ContentType = formatter.ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"{feed.Name}-{timeProvider.GetUtcNow():yyyyMMdd-HHmmss}.{extension}",
        }.ToString();
        if (formatter is CsvFormatter)
        {
            // An upstream's status records (connected, reconnecting…) are not rows of its data: CSV leaves them
            // out, so they cannot decide the columns. NDJSON exports keep them.
            items = WithoutStatusRecords(items, stream.Token);
        }

        var activity = stream.Activity;
        var writer = new LiveBatchWriter(new CountingLiveOutput(new StreamLiveOutput(response.Body), activity), timeProvider);
        StreamEnding ending;
        try
        {
            await writer.CopyAsync(
                items,
                (item, batch) =>
                {
                    activity.Delivered(item.Data);
                    formatter.WriteRecord(item, batch);
                },
                heartbeat: null,
                stream.Token);
            ending = stream.End(null)!;
        }
        catch (Exception error) when (stream.End(error) is { } ended)
        {
            ending = ended;
        }

        if (ending == StreamEnding.ClientLeft)
        {
            // The client stopped the download; the export's producers have stopped with it.
            return;
        }

        if (ending.Record is { } last)
        {
            // The export ends with why as its last record, as a stream does.
            formatter.WriteControl(last, ending.Feed ?? feed.Name, ending.Message!, writer.Batch);
        }

        formatter.WriteEnd(writer.Batch);
        try
        {
            await writer.FlushAsync(context.RequestAborted);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left while the last records were on their way.
        }
    }

    private static async IAsyncEnumerable<FeedItem<object>> WithoutStatusRecords(IAsyncEnumerable<FeedItem<object>> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            if (item.Data is not UpstreamStatus)
            {
                yield return item;
            }
        }
    }

    private static (string Name, FeedRecordFormatter? Formatter) SplitExportName(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".csv" => (Path.GetFileNameWithoutExtension(file), new CsvFormatter(FeedJson.Options)),
        ".ndjson" => (Path.GetFileNameWithoutExtension(file), new NdjsonFormatter(FeedJson.Options)),
        _ => (file, null),
    };

    // Always a download, under a CSP that lets nothing in it run: an .html or .svg put in the export directory must
    // not execute as this site, with the user's cookie.
    private static Results<PhysicalFileHttpResult, ProblemHttpResult> GetFile(string name, HttpContext context, ExportFiles files, FeedAccess access, FeedCatalog catalog)
    {
        var (file, status, error) = files.Resolve(name);
        if (file is null)
        {
            return Problem(status, error!);
        }

        // Fails closed: a file named after a feed the caller may watch needs only that feed; any other file (a README,
        // an archive of several feeds, a file of a feed hidden from the caller) needs every feed, since nothing the
        // caller may know says whose data it holds.
        var permissions = access.For(context.User);
        var owner = ExportFiles.FeedOf(file.Name, catalog.Feeds);
        var feed = owner is not null && permissions.CanWatch(owner) ? owner : null;
        // The Mercure hub's feed is watched by nobody, so it is not among the feeds a caller could hold; a file of it is nobody's.
        if (owner is { IsMercure: true })
        {
            return Problem(StatusCodes.Status403Forbidden, $"File '{file.Name}' is named after the Mercure hub's feed, whose updates are read only through the hub.");
        }

        if (feed is null && !catalog.Feeds.Where(f => !f.IsMercure).All(permissions.CanWatch))
        {
            return Problem(StatusCodes.Status403Forbidden, $"File '{file.Name}' is not named after one feed, so only a caller who may watch every feed may read it.");
        }

        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        var entityTag = new EntityTagHeaderValue($"\"{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}\"");
        return TypedResults.PhysicalFile(
            file.FullName,
            ExportFiles.ContentType(file.Name),
            fileDownloadName: file.Name,
            lastModified: file.LastWriteTimeUtc,
            entityTag: entityTag,
            enableRangeProcessing: true);
    }

    private static ProblemHttpResult Problem(int status, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: status switch
        {
            StatusCodes.Status404NotFound => "Not found",
            StatusCodes.Status403Forbidden => "Feed not allowed",
            StatusCodes.Status503ServiceUnavailable => "Unavailable",
            StatusCodes.Status500InternalServerError => "Export failed",
            _ => "Invalid request",
        });
}
