using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Field = Tributary.Tests.Unit.Support.ProtobufReader.Field;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// An OTLP/HTTP receiver on a loopback port, as a collector would be: it keeps every export request an app sends
/// (<c>/v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>, protobuf) and reads the spans and log records out of them.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _server;

    private OtlpReceiver(WebApplication server) => _server = server;

    public ConcurrentQueue<(string Signal, byte[] Body)> Requests { get; } = new();

    public Uri Endpoint => new(_server.Urls.Single());

    /// <summary>The settings that send an app's telemetry here (the standard OTEL_EXPORTER_OTLP_* names).</summary>
    public (string Key, string Value)[] Settings =>
    [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", Endpoint.ToString().TrimEnd('/')),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
    ];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = builder.Build();
        var receiver = new OtlpReceiver(server);
        server.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
            receiver.Requests.Enqueue((signal, body.ToArray()));
            // An empty Export*ServiceResponse: everything was accepted.
            return Results.Bytes([], "application/x-protobuf");
        });
        await server.StartAsync();
        return receiver;
    }

    public IReadOnlyList<Span> Spans() => [.. Messages("traces").SelectMany(Span.AllIn)];

    public IReadOnlyList<LogRecord> Logs() => [.. Messages("logs").SelectMany(LogRecord.AllIn)];

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private IEnumerable<IReadOnlyList<Field>> Messages(string signal) =>
        Requests.Where(r => r.Signal == signal).Select(r => ProtobufReader.Read(r.Body));

    /// <summary>A KeyValue list (field <paramref name="number"/>) as a dictionary of strings, ints, doubles and bools.</summary>
    private static Dictionary<string, object> AttributesOf(IEnumerable<Field> fields, int number) =>
        fields.Where(f => f.Number == number).Select(f => f.Message)
            .GroupBy(kv => kv.Single(f => f.Number == 1).Text, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Value(g.Last().FirstOrDefault(f => f.Number == 2)?.Message is { Count: > 0 } value ? value[0] : null), StringComparer.Ordinal);

    // An AnyValue with nothing set is an empty (null) value.
    private static object Value(Field? any) => any?.Number switch
    {
        null => "",
        1 => any.Text,
        2 => any.Number64 != 0,
        3 => (long)any.Number64,
        4 => BitConverter.UInt64BitsToDouble(any.Number64),
        _ => any.Hex,
    };

    private static string Text(IEnumerable<Field> fields, int number) => fields.FirstOrDefault(f => f.Number == number)?.Text ?? "";

    private static string Hex(IEnumerable<Field> fields, int number) => fields.FirstOrDefault(f => f.Number == number)?.Hex ?? "";

    /// <summary>One span, with its resource's and its own attributes, and its status (code 2 is an error).</summary>
    public sealed record Span(
        string Name, string TraceId, string SpanId, string ParentSpanId, string Scope,
        IReadOnlyDictionary<string, object> Attributes, IReadOnlyDictionary<string, object> Resource,
        IReadOnlyList<string> Events, int StatusCode, string StatusMessage)
    {
        // ExportTraceServiceRequest: resource_spans 1 { resource 1 { attributes 1 }, scope_spans 2 { scope 1 { name 1 }, spans 2 } }.
        public static IEnumerable<Span> AllIn(IReadOnlyList<Field> request) =>
            from resourceSpans in request.Where(f => f.Number == 1).Select(f => f.Message)
            let resource = AttributesOf(resourceSpans.Where(f => f.Number == 1).SelectMany(f => f.Message), 1)
            from scopeSpans in resourceSpans.Where(f => f.Number == 2).Select(f => f.Message)
            let scope = Text(scopeSpans.Where(f => f.Number == 1).SelectMany(f => f.Message), 1)
            from span in scopeSpans.Where(f => f.Number == 2).Select(f => f.Message)
            let status = span.Where(f => f.Number == 15).SelectMany(f => f.Message).ToList()
            select new Span(
                Text(span, 5), Hex(span, 1), Hex(span, 2), Hex(span, 4), scope,
                AttributesOf(span, 9), resource,
                [.. span.Where(f => f.Number == 11).Select(e => Text(e.Message, 2))],
                (int)(status.FirstOrDefault(f => f.Number == 3)?.Number64 ?? 0), Text(status, 2));
    }

    /// <summary>One log record, with the trace context it was written in.</summary>
    public sealed record LogRecord(string EventName, string Body, string TraceId, string SpanId, IReadOnlyDictionary<string, object> Attributes)
    {
        // ExportLogsServiceRequest: resource_logs 1 { scope_logs 2 { log_records 2 { body 5, attributes 6, trace_id 9, span_id 10, event_name 12 } } }.
        public static IEnumerable<LogRecord> AllIn(IReadOnlyList<Field> request) =>
            from resourceLogs in request.Where(f => f.Number == 1).Select(f => f.Message)
            from scopeLogs in resourceLogs.Where(f => f.Number == 2).Select(f => f.Message)
            from record in scopeLogs.Where(f => f.Number == 2).Select(f => f.Message)
            select new LogRecord(
                Text(record, 12),
                record.FirstOrDefault(f => f.Number == 5) is { } body ? Value(body.Message is { Count: > 0 } value ? value[0] : null).ToString() ?? "" : "",
                Hex(record, 9), Hex(record, 10), AttributesOf(record, 6));
    }
}
