using System.Diagnostics;

namespace Tributary.App.Feeds.Diagnostics;

/// <summary>
/// The <c>Tributary</c> activity source: a span per stream (<see cref="StreamActivity"/>) and per upstream connection
/// attempt. Nothing is created unless a listener asks (the OpenTelemetry SDK does when an OTLP endpoint is configured),
/// so a stream without tracing pays one check. Process-wide, as activity sources are: a listener hears every host in
/// the process.
/// </summary>
internal static class TributaryTracing
{
    public const string Name = "Tributary";

    public static ActivitySource Source { get; } = new(Name, typeof(TributaryTracing).Assembly.GetName().Version?.ToString());
}
