namespace Tributary.App.Operations;

/// <summary>
/// Which signals go to an OTLP receiver, from the standard settings (environment variables, or any configuration
/// source): <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> sends all three; <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>,
/// <c>…_METRICS_ENDPOINT</c> and <c>…_LOGS_ENDPOINT</c> one each. The exporter reads the rest (protocol, headers,
/// timeouts) itself.
/// </summary>
internal readonly record struct OtlpEndpoints(bool Traces, bool Metrics, bool Logs)
{
    public static OtlpEndpoints From(IConfiguration configuration)
    {
        var all = IsSet(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT");
        return new OtlpEndpoints(
            all || IsSet(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            all || IsSet(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"),
            all || IsSet(configuration, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"));
    }

    private static bool IsSet(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);
}
