using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Sharing;
using Tributary.App.Security;

namespace Tributary.App.Endpoints.Publishing;

/// <summary>
/// <c>POST /api/feeds/{feed}/items</c>: publishers append items to a push feed, which its readers get like any shared
/// feed's. The request is checked whole (permission, kind, body, limits, rate) before anything is published; then the
/// engine appends it all or nothing.
/// </summary>
public static class PublishApi
{
    /// <summary>Set to <c>true</c> on an answer repeated for a retried <c>Idempotency-Key</c>.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapPublishApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("Publishing").RequireAuthorization(TributaryPolicies.Watch).AddEndpointFilter<FeedRefusalLog>()
            .MapPost("/feeds/{feed}/items", PublishAsync).WithName("Publish")
            .WithSummary("Publishes items to a push feed: one as application/json, or a batch as application/x-ndjson; all or none.")
            .WithDescription("Each item is {\"data\": any JSON, \"id\": optional string}. An Idempotency-Key header, or an item's id, makes a retry within Publishing:IdempotencyWindow harmless: it creates nothing and gets the first answer. With the PostgreSQL engine a 200 means the items are committed.")
            .Produces<PublishResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<PublishResponse>, ProblemHttpResult>> PublishAsync(
        string feed,
        HttpContext context,
        FeedCatalog catalog,
        FeedAccess access,
        FeedRequestRules rules,
        IFeedEngine engine,
        PublishLimiter limiter,
        IOptions<PublishingOptions> options,
        ILoggerFactory loggers)
    {
        var permissions = access.For(context.User);
        var definition = catalog.Find(feed);
        // A feed the caller may neither watch nor publish to is unknown to it: the answer must not tell the two apart.
        if (definition is null || !(permissions.CanWatch(definition) || permissions.CanPublish(definition)))
        {
            HiddenFeedLog.Refused(loggers.CreateLogger(typeof(PublishApi).FullName!), context, definition?.Name);
            return Problem(StatusCodes.Status404NotFound, $"Unknown feed '{feed}'. Known feeds: {rules.KnownFeeds(permissions)}.");
        }

        if (!permissions.CanPublish(definition))
        {
            return Problem(StatusCodes.Status403Forbidden, $"The {permissions.Holder} may watch feed '{definition.Name}' but not publish to it; publishing is granted separately (a key's Publish list, a token's publish claim).");
        }

        if (!definition.IsPush)
        {
            return Problem(StatusCodes.Status409Conflict, $"Feed '{definition.Name}' is a {definition.Kind} feed, whose items come from its own producer; only feeds of Kind push take published items.");
        }

        // The endpoint's own limit, named in its refusal, rather than the server's general one.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = options.Value.MaxRequestBytes + 1;
        }

        var (batch, refusal) = await PublishRequestReader.ReadAsync(context.Request, definition, options.Value, context.RequestAborted);
        if (refusal is not null)
        {
            return Problem(refusal.Status, refusal.Detail);
        }

        var client = StreamClient.Of(context.User, context.Connection.RemoteIpAddress);
        if (!limiter.TryAcquire(client, batch!.Items.Count, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status429TooManyRequests, $"This client may publish {options.Value.ItemsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} items a second (Publishing:ItemsPerSecond); try again in {seconds} s.");
        }

        try
        {
            var outcome = await engine.PublishAsync(definition, batch, context.RequestAborted);
            if (outcome.Replayed)
            {
                context.Response.Headers[ReplayedHeader] = "true";
            }

            return TypedResults.Ok(new PublishResponse(definition.Name, outcome.Items.Select(i => PublishResponseItem.From(definition.Name, i)).ToList()));
        }
        catch (IdempotencyKeyReusedException reused)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, reused.Message);
        }
        catch (PublishRefusedException refused)
        {
            return Problem(refused.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status409Conflict, $"The database refused the publish: {refused.Message} (its settings for feed '{definition.Name}' come from the instance that started last).");
        }
        catch (FeedFailedException unavailable) when (unavailable.EngineUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
            return Problem(StatusCodes.Status503ServiceUnavailable, unavailable.ClientMessage + " The items may not have been published (a connection lost during the commit leaves it unknown): retry with the same Idempotency-Key, or the same item ids, so nothing is published twice.");
        }
    }

    private static ProblemHttpResult Problem(int status, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: status switch
        {
            StatusCodes.Status404NotFound => "Unknown feed",
            StatusCodes.Status403Forbidden => "Publishing not allowed",
            StatusCodes.Status409Conflict => "Not a push feed",
            StatusCodes.Status413PayloadTooLarge => "Too large",
            StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
            StatusCodes.Status422UnprocessableEntity => "Idempotency-Key reused",
            StatusCodes.Status429TooManyRequests => "Too many items",
            StatusCodes.Status503ServiceUnavailable => "Unavailable",
            _ => "Invalid publish request",
        });
}
