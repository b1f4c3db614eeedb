using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Operations;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>. Endpoints, their JSON bodies and their problem responses come from
/// the endpoints themselves; what a minimal-API signature cannot say is added here: the stream's query parameters with
/// their limits (from this server's settings), the streaming media types and their record schemas, and the
/// responses every protected endpoint can give.
/// </summary>
public static class ApiDescription
{
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>The operation id of <c>GET /metrics</c>, which the document describes by hand.</summary>
    public const string MetricsOperation = "GetMetrics";

    public static IServiceCollection AddApiDescription(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Tributary";
                document.Info.Description = "Live, merged data feeds: the raw chunked stream (NDJSON, server-sent events, text), exports, health and metrics. "
                    + "The SignalR hub at /hubs/feeds is described in the README. With Auth:Mode other than None, send an access key or a JWT as a bearer token.";
                document.Components ??= new OpenApiComponents();
                FeedRecordSchemas.AddTo(document.Components);
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
                document.Components.SecuritySchemes[ApiResponses.BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An access key (trb_…) or a JWT. Streams also take it as the access_token query parameter.",
                };
                AddMetrics(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                Describe(operation, context);
                ApiResponses.AddCommon(operation, RequiresAuthorization(context), context.Document);
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static IEndpointRouteBuilder MapApiDescription(this IEndpointRouteBuilder app)
    {
        // Anonymous: it describes the API, not the feeds (no feed names, which depend on who asks).
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        return app;
    }

    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var services = context.ApplicationServices;
        switch (operation.OperationId)
        {
            case "Stream":
                StreamParameters(operation, services.GetRequiredService<IOptions<StreamingOptions>>().Value, services.GetRequiredService<FeedCatalog>());
                ApiResponses.Content(operation, "200", "The merged stream, chunked and live, until a limit, a failure, the client or the server ends it.", StreamMedia());
                break;
            case "Export":
                ExportParameters(operation, services.GetRequiredService<FeedCatalog>());
                ApiResponses.Content(operation, "200", "The export, as an attachment.", new Dictionary<string, OpenApiMediaType>
                {
                    ["text/csv"] = new() { Schema = Text("A header row of the data's fields, then a row per item (RFC 4180 quoting)."), Example = JsonValue.Create("feed,seq,ts,headline,category\nnews,1,2026-11-21T17:12:05.093Z,The bond market braced for a sharp rebound,markets\n") },
                    ["application/x-ndjson"] = Records(),
                });
                break;
            case "Publish":
                PublishDescription.Describe(operation, services.GetRequiredService<IOptions<PublishingOptions>>().Value);
                break;
            case "MercureSubscribe":
                MercureDescription.Subscribe(operation);
                break;
            case "MercurePublish":
                MercureDescription.Publish(operation);
                break;
            case "GetFile":
                ApiResponses.Content(operation, "200", "The file, as an attachment, with its own type (text/csv, application/x-ndjson, text/plain; application/octet-stream for others).", FileMedia());
                ApiResponses.Content(operation, "206", "The range asked for with Range.", FileMedia());
                operation.Responses!["304"] = new OpenApiResponse { Description = "Not modified (If-None-Match or If-Modified-Since)." };
                break;
            case "Live":
            case "Ready":
                ApiResponses.Content(operation, "200", "Healthy or Degraded.", new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = FeedRecordSchemas.Enum("Healthy", "Degraded"), Example = JsonValue.Create("Healthy") } });
                ApiResponses.Content(operation, "503", "Unhealthy (or, as problem+json, the server is stopping).", new Dictionary<string, OpenApiMediaType>
                {
                    ["text/plain"] = new() { Schema = FeedRecordSchemas.Enum("Unhealthy") },
                    ["application/problem+json"] = new() { Schema = FeedRecordSchemas.Ref(ApiResponses.ProblemSchema) },
                });
                break;
        }
    }

    // OpenTelemetry's scraping endpoint is middleware, which the API explorer does not see: described here instead.
    private static void AddMetrics(OpenApiDocument document)
    {
        var operation = new OpenApiOperation
        {
            OperationId = MetricsOperation,
            Summary = "The Tributary meter and the framework's own (requests, Kestrel, SignalR, circuits, the runtime) for Prometheus.",
            Tags = new HashSet<OpenApiTagReference> { new("Metrics", document) },
        };
        ApiResponses.Content(operation, "200", "The Prometheus text format (0.0.4), or OpenMetrics 1.0 when Accept asks for application/openmetrics-text.", new Dictionary<string, OpenApiMediaType>
        {
            ["text/plain"] = new() { Schema = Text("# TYPE, # HELP and sample lines."), Example = JsonValue.Create("# TYPE tributary_streams_active gauge\ntributary_streams_active{otel_scope_name=\"Tributary\",endpoint=\"/api/stream\"} 3\n") },
            ["application/openmetrics-text"] = new() { Schema = Text("The same families in OpenMetrics, ending with # EOF.") },
        });
        ApiResponses.AddCommon(operation, requiresAuthorization: true, document);
        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = "Metrics" });
        document.Paths[OperationsEndpoints.MetricsPath] = new OpenApiPathItem { Operations = new() { [HttpMethod.Get] = operation } };
    }

    private static bool RequiresAuthorization(OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        return metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
    }

    private static void StreamParameters(OpenApiOperation operation, StreamingOptions limits, FeedCatalog catalog)
    {
        var counters = catalog.Feeds.Where(f => f.IsCounter).ToList();
        var maxRate = counters.Count == 0 ? FeedDefinition.MinRate : counters.Max(f => f.MaxRate);
        var maxCount = counters.Count == 0 ? 0 : counters.Max(f => f.MaxCount);
        operation.Parameters ??= [];
        Query(operation, "feeds", $"Feed names, comma-separated (see GET /api/feeds): at least 1, at most {limits.MaxFeedsPerRequest} (Streaming:MaxFeedsPerRequest); duplicates are merged.", new OpenApiSchema { Type = JsonSchemaType.String, Examples = [JsonValue.Create("news,weather")] }, required: true);
        Query(operation, "format", "The wire format. Without it: SSE when Accept asks for text/event-stream, else NDJSON.", FeedRecordSchemas.Enum("ndjson", "sse", "text"));
        RateAndCount(operation, maxRate, maxCount);
        Query(operation, "limit", "End the stream after this many data items.", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" });
        Query(operation, "tail", "Shared feeds without a position in since: begin with up to this many of their newest items from history (each feed gives what it keeps), then go on live. Refused when no requested feed keeps history, or with rate or count.", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0" });
        Query(operation, "since", "Resume after these positions, one per feed: feed:seq or feed:seq@epoch, comma-separated (an SSE event's id). Overrides Last-Event-ID.", new OpenApiSchema { Type = JsonSchemaType.String, Examples = [JsonValue.Create("news:41@3fydzwtlllym")] });
        operation.Parameters.Add(new OpenApiParameter { Name = "Last-Event-ID", In = ParameterLocation.Header, Description = "The last SSE event id seen: resume after it (what EventSource sends on reconnect).", Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
        operation.Parameters.Add(new OpenApiParameter { Name = "Accept-Encoding", In = ParameterLocation.Header, Description = "gzip, br or deflate: the stream is compressed and flushed per batch, so it stays live.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
    }

    private static void ExportParameters(OpenApiOperation operation, FeedCatalog catalog)
    {
        var counters = catalog.Feeds.Where(f => f.IsCounter).ToList();
        operation.Parameters ??= [];
        if (operation.Parameters.FirstOrDefault(p => p.Name == "file") is OpenApiParameter file)
        {
            file.Description = "A feed's name with .csv or .ndjson, e.g. news.csv.";
            file.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9_-]+\\.(csv|ndjson)$" };
        }

        Query(operation, "live", "true: export the feed live (a stream, counted against the client's limit) instead of its history.", new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = JsonValue.Create(false) });
        RateAndCount(operation, counters.Count == 0 ? FeedDefinition.MinRate : counters.Max(f => f.MaxRate), counters.Count == 0 ? 0 : counters.Max(f => f.MaxCount), "With live=true: ");
    }

    private static void RateAndCount(OpenApiOperation operation, double maxRate, long maxCount, string when = "")
    {
        Query(operation, "rate", $"{when}Counter feeds only: items per second, 0 for as fast as possible, else {FeedDefinition.MinRate.ToString(CultureInfo.InvariantCulture)} to the feed's MaxRate (at most {maxRate.ToString(CultureInfo.InvariantCulture)} here).", new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double", Minimum = "0", Maximum = maxRate.ToString(CultureInfo.InvariantCulture) });
        Query(operation, "count", $"{when}Counter feeds only: stop after this many items, 0 for never (at most the feed's MaxCount, {maxCount} here).", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0", Maximum = maxCount.ToString(CultureInfo.InvariantCulture) });
    }

    private static void Query(OpenApiOperation operation, string name, string description, OpenApiSchema schema, bool required = false) =>
        (operation.Parameters ??= []).Add(new OpenApiParameter { Name = name, In = ParameterLocation.Query, Description = description, Schema = schema, Required = required });

    private static Dictionary<string, OpenApiMediaType> StreamMedia() => new()
    {
        ["application/x-ndjson"] = Records(),
        ["text/event-stream"] = new()
        {
            Schema = Text("Server-sent events: `id` (the position to resume from), `event` (the feed's name, or the control record's type) and `data` (a FeedRecord); `: heartbeat` comments while idle."),
            Example = JsonValue.Create("id: counter:1\nevent: counter\ndata: {\"feed\":\"counter\",\"seq\":1,\"ts\":\"2026-11-21T17:12:05.1286664Z\",\"data\":{\"value\":1}}\n\n"),
        },
        ["text/plain"] = new()
        {
            Schema = Text("One line per record, for people: time, feed, #seq, data."),
            Example = JsonValue.Create("17:12:05.240  counter    #1      {\"value\":1}\n"),
        },
    };

    private static OpenApiMediaType Records() => new()
    {
        Schema = new OpenApiSchema { Description = "Newline-delimited JSON: one FeedRecord per line.", AllOf = [FeedRecordSchemas.Ref(FeedRecordSchemas.FeedRecord)] },
    };

    private static Dictionary<string, OpenApiMediaType> FileMedia() => new()
    {
        ["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
        ["application/x-ndjson"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
        ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
        ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
