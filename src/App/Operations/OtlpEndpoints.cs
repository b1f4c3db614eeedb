using OpenTelemetry.Exporter;

namespace Tributary.App.Operations;

/// <summary>
/// Where each signal goes over OTLP, from the standard settings (environment variables, or any configuration source):
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> sends all three (the exporter adds <c>/v1/traces</c> and so on for OTLP/HTTP);
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>, <c>…_METRICS_ENDPOINT</c> and <c>…_LOGS_ENDPOINT</c> send one each, to
/// that address as it is, and win over the first. The exporter reads the rest (protocol, headers, timeouts) itself.
/// </summary>
internal sealed record OtlpEndpoints(bool All, Uri? Traces, Uri? Metrics, Uri? Logs)
{
    public bool SendsTraces => All || Traces is not null;

    public bool SendsMetrics => All || Metrics is not null;

    public bool SendsLogs => All || Logs is not null;

    public static OtlpEndpoints From(IConfiguration configuration) => new(
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]),
        Signal(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
        Signal(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"),
        Signal(configuration, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"));

    /// <summary>
    /// Points one signal's exporter at its own endpoint, when one is set: the exporter registered per signal reads only
    /// the shared endpoint, and would otherwise send this signal to its default address.
    /// </summary>
    public static Action<OtlpExporterOptions> To(Uri? endpoint) => options =>
    {
        if (endpoint is not null)
        {
            options.Endpoint = endpoint;
        }
    };

    private static Uri? Signal(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? new Uri(value, UriKind.Absolute) : null;
}
