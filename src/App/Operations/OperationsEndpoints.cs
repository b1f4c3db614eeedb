using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tributary.App.Security;

namespace Tributary.App.Operations;

/// <summary>
/// What operators and their tools read: health probes for load balancers and orchestrators, the JSON health detail,
/// and the metrics for Prometheus (<see cref="TelemetryServices"/>).
/// </summary>
public static class OperationsEndpoints
{
    /// <summary>The tag of the checks <c>/health/ready</c> runs.</summary>
    public const string Ready = "ready";

    /// <summary>Where Prometheus scrapes this instance.</summary>
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHealthChecks()
            .AddCheck<CatalogHealthCheck>("catalog", tags: [Ready])
            .AddCheck<FeedEngineHealthCheck>("feed-engine", tags: [Ready])
            .AddCheck<UpstreamHealthCheck>("upstreams", tags: [Ready]);
        services.AddTelemetry(configuration);
        services.AddApiDescription();
        return services;
    }

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        // Probes are anonymous and plain text: a load balancer has no key, and needs only the status and its code.
        var probes = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        probes.MapGet("/live", LiveAsync).WithName("Live")
            .WithSummary("Whether the process is serving: always Healthy while it answers. HEAD answers too.");
        probes.MapGet("/ready", ReadyAsync).WithName("Ready")
            .WithSummary("Whether to send readers here: the feed catalog is valid and the feed engine answers. An upstream that is down is Degraded (still 200). HEAD answers too.");
        // HEAD apart, so the document has one operation (one operationId) per probe.
        probes.MapMethods("/live", ["HEAD"], LiveAsync).ExcludeFromDescription();
        probes.MapMethods("/ready", ["HEAD"], ReadyAsync).ExcludeFromDescription();
        app.MapGet("/api/health", DetailAsync).WithTags("Health").WithName("GetHealth")
            .WithSummary("Every health check with what it found, as JSON.").RequireAuthorization(TributaryPolicies.Stats)
            .Produces<HealthDetail>(StatusCodes.Status200OK).Produces<HealthDetail>(StatusCodes.Status503ServiceUnavailable);
        // OpenTelemetry's exporter is middleware on a route of its own, not a route handler: GET only, like every other
        // read, and described in the OpenAPI document by hand (ApiDescription).
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: NotCached, optionsName: null)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .WithName(ApiDescription.MetricsOperation)
            .RequireAuthorization(TributaryPolicies.Stats);
        app.MapApiDescription();
        return app;
    }

    private static async Task<IResult> LiveAsync(HttpContext context, HealthCheckService health) =>
        Plain(context, await health.CheckHealthAsync(_ => false, context.RequestAborted));

    private static async Task<IResult> ReadyAsync(HttpContext context, HealthCheckService health) =>
        Plain(context, await health.CheckHealthAsync(check => check.Tags.Contains(Ready), context.RequestAborted));

    private static async Task<JsonHttpResult<HealthDetail>> DetailAsync(HttpContext context, HealthCheckService health)
    {
        var report = await health.CheckHealthAsync(context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(HealthDetail.From(report), statusCode: StatusCode(report.Status));
    }

    private static void NotCached(IApplicationBuilder scrape) => scrape.Use((context, next) =>
    {
        context.Response.Headers.CacheControl = "no-store";
        return next(context);
    });

    private static ContentHttpResult Plain(HttpContext context, HealthReport report)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Text(report.Status.ToString(), "text/plain; charset=utf-8", statusCode: StatusCode(report.Status));
    }

    private static int StatusCode(HealthStatus status) =>
        status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
}
