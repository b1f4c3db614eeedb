using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Security;
using Tributary.App.Streams;

namespace Tributary.App.Endpoints;

/// <summary>The raw HTTP API: the feed catalog, the merged chunked stream, and live counters.</summary>
public static class StreamApi
{
    public static IServiceCollection AddStreamApi(this IServiceCollection services)
    {
        services.AddSingleton<StreamResponder>();
        services.AddSingleton<StreamFlushClock>();
        services.AddSingleton<IConfigureOptions<SocketTransportOptions>, SocketScheduling>();
        services.AddProblemDetails();
        // The API writes numbers as JSON numbers and reads none as strings, so the OpenAPI document describes them
        // as numbers only (the web defaults would also accept "12", and the document would say so).
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        return services;
    }

    public static IEndpointRouteBuilder MapStreamApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Streams").RequireAuthorization(TributaryPolicies.Watch).AddEndpointFilter<FeedRefusalLog>();
        api.MapGet("/feeds", GetFeeds).WithName("GetFeeds").WithSummary("Lists the feeds the caller may watch.");
        api.MapGet("/stream", StreamAsync).WithName("Stream")
            .WithSummary("Streams the merged feeds as NDJSON, server-sent events or text, chunked and live.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/stats", GetStats).WithName("GetStats").WithSummary("Live counts of streams, producers and items sent.")
            .RequireAuthorization(TributaryPolicies.Stats);
        return app;
    }

    private static Ok<FeedInfo[]> GetFeeds(HttpContext context, FeedRequestRules rules, FeedAccess access) =>
        TypedResults.Ok(rules.Visible(access.For(context.User)).Select(FeedInfo.From).ToArray());

    private static Ok<StreamStatsSnapshot> GetStats(StreamStats stats) => TypedResults.Ok(stats.Snapshot());

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> StreamAsync(
        HttpContext context,
        FeedRequestRules rules,
        FeedAccess access,
        StreamGate gate,
        StreamResponder responder,
        ILogger<StreamResponder> logger)
    {
        var (request, error, hidden) = StreamRequest.Parse(context.Request, rules, access.For(context.User));
        if (request is null)
        {
            HiddenFeedLog.Refused(logger, context, hidden);
            return TypedResults.Problem(detail: error, statusCode: StatusCodes.Status400BadRequest, title: "Invalid stream request");
        }

        if (!StreamAdmission.TryOpen(context, gate, StreamResponder.Endpoint, request.Selection.Feeds, out var stream, out var refusal))
        {
            return refusal;
        }

        using (stream)
        {
            await responder.StreamAsync(context, request, stream);
        }

        return TypedResults.Empty;
    }
}
