using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Sharing;
using Tributary.App.Security;

namespace Tributary.App.Mercure;

/// <summary>
/// <c>POST /.well-known/mercure</c>: a publisher sends one update, which becomes one item of the hub's feed, so it is kept,
/// numbered and handed to subscribers on every instance like any published item. The answer is the update's id.
/// </summary>
internal static class MercurePublishEndpoint
{
    public static async Task<IResult> PublishAsync(
        HttpContext context,
        FeedCatalog catalog,
        IFeedEngine engine,
        MercureTokens tokens,
        PublishLimiter limiter,
        IOptions<MercureOptions> options,
        IOptions<PublishingOptions> publishing)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return MercureHub.Off();
        }

        var request = context.Request;
        if (!tokens.TakesPublishers)
        {
            return MercureProblems.Problem(StatusCodes.Status403Forbidden, "This hub takes no updates: Mercure:PublisherJwtKey is not set.");
        }

        var credential = await tokens.PublisherAsync(request);
        if (credential.Error is { } error)
        {
            return MercureProblems.InvalidToken(context, $"The publisher's token was refused: {error}");
        }

        if (credential.Grant is not { } grant)
        {
            return MercureProblems.NoToken(context, $"Publishing needs a token whose mercure.publish claim selects the update's topics: send it as a Bearer Authorization header or in the {settings.CookieName} cookie.");
        }

        if (grant.FromCookie && !FromAllowedOrigin(request, settings))
        {
            // A cookie is sent by the browser whatever page asks: only the pages this hub trusts may publish with it.
            return MercureProblems.Problem(StatusCodes.Status403Forbidden, $"A publish authorized by the {settings.CookieName} cookie must come from this site or an origin in Mercure:CorsOrigins; this one came from '{Origin(request) ?? "no origin"}'.");
        }

        var feed = catalog.Find(settings.Feed)!;
        var limit = publishing.Value.MaxRequestBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        var (update, json, refusal) = await MercurePublishForm.ReadAsync(request, feed, limit, context.RequestAborted);
        if (refusal is not null)
        {
            return MercureProblems.Problem(refusal.Status, refusal.Detail);
        }

        if (update!.Topics.FirstOrDefault(t => !grant.Publish.Match(t)) is { } forbidden)
        {
            return MercureProblems.Problem(StatusCodes.Status403Forbidden, $"The token's mercure.publish claim does not select topic '{forbidden}'; an update is published only when the token selects every one of its topics.");
        }

        // Counted by address, as the token is the hub's, not one of the app's principals.
        var client = "mercure:" + StreamClient.Of(null, context.Connection.RemoteIpAddress);
        if (!limiter.TryAcquire(client, 1, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return MercureProblems.Problem(StatusCodes.Status429TooManyRequests, $"This client may publish {publishing.Value.ItemsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} updates a second (Publishing:ItemsPerSecond); try again in {seconds} s.");
        }

        try
        {
            // The update's id is its item's id, which a Last-Event-ID finds it by. Every publish is delivered, as the
            // protocol has it: an id sent again names the newer update, and one publisher cannot suppress another's.
            await engine.PublishAsync(feed, new PublishBatch([new PublishItem(json, update.Id)], Key: null, DeduplicateIds: false), context.RequestAborted);
            return TypedResults.Text(update.Id, "text/plain", System.Text.Encoding.UTF8);
        }
        catch (PublishRefusedException refused)
        {
            return MercureProblems.Problem(refused.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status409Conflict, $"The database refused the update: {refused.Message} (its settings for the hub's feed come from the instance that started last).");
        }
        catch (FeedFailedException unavailable) when (unavailable.EngineUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
            return MercureProblems.Problem(StatusCodes.Status503ServiceUnavailable, unavailable.ClientMessage + $" The update may not have been published: send it again with id={update.Id}, so it is not published twice.");
        }
    }

    private static string? Origin(HttpRequest request)
    {
        var origin = request.Headers[HeaderNames.Origin].ToString();
        if (origin.Length > 0)
        {
            return origin;
        }

        return Uri.TryCreate(request.Headers[HeaderNames.Referer].ToString(), UriKind.Absolute, out var referer) ? referer.GetLeftPart(UriPartial.Authority) : null;
    }

    // This site exactly (scheme, host and port, as the browser writes its Origin) or an origin the settings name.
    private static bool FromAllowedOrigin(HttpRequest request, MercureOptions settings)
    {
        if (Origin(request) is not { } origin || !Uri.TryCreate(origin, UriKind.Absolute, out var from))
        {
            return false;
        }

        var self = new Uri($"{request.Scheme}://{request.Host.Value}");
        var sameOrigin = string.Equals(from.Scheme, self.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(from.Host, self.Host, StringComparison.OrdinalIgnoreCase)
            && from.Port == self.Port;
        return sameOrigin || settings.CorsOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }
}
