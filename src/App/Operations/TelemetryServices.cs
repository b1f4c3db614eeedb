using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.App.Operations;

/// <summary>
/// OpenTelemetry for the app: the <c>Tributary</c> meter and the framework's own (ASP.NET Core, Kestrel, SignalR, Blazor,
/// HttpClient, Npgsql, the runtime) for <c>/metrics</c>; and, only when the standard <c>OTEL_EXPORTER_OTLP_*</c> endpoint
/// settings name a receiver, traces (the <c>Tributary</c> source, incoming and outgoing HTTP, Npgsql's commands), metrics
/// and logs over OTLP. Without them nothing is traced and nothing is sent anywhere.
/// </summary>
public static class TelemetryServices
{
    /// <summary>The <c>service.name</c> of this app's telemetry unless <c>OTEL_SERVICE_NAME</c> names another.</summary>
    public const string ServiceName = "tributary";

    // The framework's meters for requests, connections, hub connections, sign-ins and circuits. Not Kestrel's memory pool
    // (Microsoft.AspNetCore.MemoryPool): it records on every buffer rented for a write, a cost per send that a stream of
    // small writes to thousands of readers pays thousands of times per item (docs/PERFORMANCE.md).
    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization",
        "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Lifecycle", "Microsoft.AspNetCore.Components.Server.Circuits",
    ];

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = OtlpEndpoints.From(configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : ServiceName,
                serviceVersion: typeof(TelemetryServices).Assembly.GetName().Version?.ToString(),
                autoGenerateServiceInstanceId: true))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TributaryMeter.Name)
                    .AddMeter(FrameworkMeters)
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    // No cache: each scrape reads the counters as they are (Prometheus scrapes every few seconds at most).
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp.SendsMetrics)
                {
                    metrics.AddOtlpExporter(OtlpEndpoints.To(otlp.Metrics));
                }
            });
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) => metrics.AddView(OnlyThisApp(provider.GetRequiredService<IMeterFactory>())));

        if (otlp.SendsTraces)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(TributaryTracing.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(OtlpEndpoints.To(otlp.Traces)));
        }

        if (otlp.SendsLogs)
        {
            telemetry.WithLogging(logging => logging.AddOtlpExporter(OtlpEndpoints.To(otlp.Logs)));
        }

        // JSON console lines (for a log shipper) carry their scopes unless configured otherwise: the trace and span ids
        // of the stream a line belongs to are among them.
        services.AddOptions<JsonConsoleFormatterOptions>().Configure(json =>
            json.IncludeScopes = configuration.GetValue("Logging:Console:FormatterOptions:IncludeScopes", true));
        return services;
    }

    /// <summary>
    /// Meters are found by name in the whole process, so a second app in it (tests host several) would add its counts to
    /// ours. A meter made by another app's <see cref="IMeterFactory"/> is dropped; process-wide ones (the runtime's) stay.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> OnlyThisApp(IMeterFactory ours) =>
        instrument => instrument.Meter.Scope is IMeterFactory owner && !ReferenceEquals(owner, ours) ? MetricStreamConfiguration.Drop : null;
}
