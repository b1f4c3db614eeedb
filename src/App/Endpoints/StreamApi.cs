using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Endpoints;

/// <summary>The raw HTTP API: the feed catalog, the merged chunked stream, and live counters.</summary>
public static class StreamApi
{
    public static IServiceCollection AddStreamApi(this IServiceCollection services)
    {
        services.AddSingleton<StreamResponder>();
        services.AddProblemDetails();
        return services;
    }

    public static IEndpointRouteBuilder MapStreamApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Streams");
        api.MapGet("/feeds", GetFeeds).WithName("GetFeeds").WithSummary("Lists the feed catalog.");
        api.MapGet("/stream", StreamAsync).WithName("Stream")
            .WithSummary("Streams the merged feeds as NDJSON, server-sent events or text, chunked and live.");
        api.MapGet("/stats", GetStats).WithName("GetStats").WithSummary("Live counts of streams, producers and items sent.");
        return app;
    }

    private static Ok<FeedInfo[]> GetFeeds(FeedCatalog catalog) =>
        TypedResults.Ok(catalog.Feeds.Select(FeedInfo.From).ToArray());

    private static Ok<StreamStatsSnapshot> GetStats(StreamStats stats) => TypedResults.Ok(stats.Snapshot());

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> StreamAsync(
        HttpContext context,
        FeedRequestRules rules,
        ClientStreamLimiter limiter,
        StreamResponder responder,
        IOptions<StreamingOptions> options,
        ILogger<StreamResponder> logger)
    {
        var limits = options.Value;
        var (request, error) = StreamRequest.Parse(context.Request, rules);
        if (request is null)
        {
            return TypedResults.Problem(detail: error, statusCode: StatusCodes.Status400BadRequest, title: "Invalid stream request");
        }

        if (!StreamAdmission.TryAdmit(context, limiter, limits, logger, out var lease, out var refusal))
        {
            return refusal;
        }

        using (lease)
        {
            await responder.StreamAsync(context, request);
        }

        return TypedResults.Empty;
    }
}
