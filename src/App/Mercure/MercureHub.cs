using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;

namespace Tributary.App.Mercure;

/// <summary>
/// The Mercure-compatible hub at <c>/.well-known/mercure</c>: subscribe with <c>GET</c> (server-sent events), publish
/// with <c>POST</c>. It is an adapter over the feeds core: its updates are the items of the feed <c>Mercure:Feed</c>
/// names, so they are kept, resumed and failed over like any shared feed's, and every instance of the app serves the
/// same hub.
/// </summary>
public static class MercureHub
{
    /// <summary>The hub's address, fixed by the specification.</summary>
    public const string Path = "/.well-known/mercure";

    private const string CorsPolicyName = "Mercure";

    /// <summary>What a request to a hub that is off gets (options are read per request: mapping must not validate them).</summary>
    internal static IResult Off() =>
        MercureProblems.Problem(StatusCodes.Status404NotFound, "The Mercure hub is off on this server: set Mercure:Feed to a feed of Kind mercure to turn it on.");

    public static IServiceCollection AddMercureHub(this IServiceCollection services)
    {
        services.AddOptions<MercureOptions>().BindConfiguration(MercureOptions.Section).ValidateOnStart();
        services.AddOptions<FeedCatalogOptions>().PostConfigure<IConfiguration>(MercureFeed.AddTo);
        services.AddSingleton<IValidateOptions<MercureOptions>, MercureOptionsValidator>();
        services.AddSingleton<MercureTokens>();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<MercureOptions>>((cors, mercure) => cors.AddPolicy(CorsPolicyName, policy => Allow(policy, mercure.Value.CorsOrigins)));
        return services;
    }

    public static IEndpointRouteBuilder MapMercureHub(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The hub checks its own tokens (Mercure:PublisherJwtKey, Mercure:SubscriberJwtKey), not the app's keys.
        var hub = app.MapGroup(Path).WithTags("Mercure").AllowAnonymous().RequireCors(CorsPolicyName);
        hub.MapGet("", MercureSubscribeEndpoint.SubscribeAsync).WithName("MercureSubscribe")
            .WithSummary("Subscribes to the Mercure hub's updates as server-sent events: topic (one or more selectors), and Last-Event-ID or lastEventID to resume.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        hub.MapPost("", MercurePublishEndpoint.PublishAsync).WithName("MercurePublish")
            .WithSummary("Publishes an update to the Mercure hub: form fields topic (one or more), data, id, type, retry, private; answers the update's id.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    // With credentials, so the browser sends the hub's cookie; "*" allows any page, but then without credentials, since
    // a page from anywhere must not read the private updates a user's cookie opens.
    private static void Allow(CorsPolicyBuilder policy, string[] origins)
    {
        policy.WithMethods("GET", "POST").WithHeaders("Authorization", "Last-Event-ID", "Cache-Control", "Content-Type").WithExposedHeaders("Last-Event-ID");
        if (origins.Contains("*"))
        {
            policy.AllowAnyOrigin();
        }
        else
        {
            policy.WithOrigins(origins).AllowCredentials();
        }
    }
}
