using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Tributary.App.Operations;

/// <summary>
/// The Mercure hub's operations as the protocol defines them: the subscription's query and header, and the publish form,
/// which the endpoint reads itself (so a body of another type gets a sentence, not the framework's bare refusal).
/// </summary>
internal static class MercureDescription
{
    public static void Subscribe(OpenApiOperation operation)
    {
        (operation.Parameters ??= []).Add(new OpenApiParameter
        {
            Name = "topic",
            In = ParameterLocation.Query,
            Required = true,
            Explode = true,
            Description = "One or more topic selectors: a topic compared exactly, a URI template (RFC 6570) such as https://example.com/books/{id}, or * for every topic. An update is sent when one of its topics is selected (and, if private, the token's mercure.subscribe claim allows one of them).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "lastEventID",
            In = ParameterLocation.Query,
            Description = "Resume after the update with this id (the Last-Event-ID header wins when both are sent); earliest replays every update history keeps. The response's Last-Event-ID header says where it resumed: the id, or earliest for an id the hub no longer knows.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "Last-Event-ID",
            In = ParameterLocation.Header,
            Description = "As lastEventID; EventSource sends it when it reconnects.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        ApiResponses.Content(operation, "200", "The subscription: one event per update (id, event type, retry, data lines), and a comment line every Mercure:Heartbeat while idle.", new Dictionary<string, OpenApiMediaType>
        {
            ["text/event-stream"] = new()
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = JsonValue.Create("id: urn:uuid:1e0cba4c-4bcd-44f0-ae8a-7b76f7ef1280\ndata: {\"status\":\"paid\"}\n\n"),
            },
        });
    }

    public static void Publish(OpenApiOperation operation)
    {
        static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One update. The token (Authorization: Bearer, or the mercureAuthorization cookie) must have a mercure.publish claim selecting every topic.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/x-www-form-urlencoded"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new SortedSet<string>(StringComparer.Ordinal) { "topic" },
                        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                        {
                            ["topic"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Text("A topic (an IRI); repeat the field for several."), Description = "The topics the update is about; not under /.well-known/mercure." },
                            ["data"] = Text("The update's content: the event's data."),
                            ["id"] = Text("The event's id (not starting with #, one line); generated as urn:uuid:… when absent. The same id within Publishing:IdempotencyWindow publishes nothing twice."),
                            ["type"] = Text("The event's type (one line)."),
                            ["retry"] = Text("The reconnection time in milliseconds (digits)."),
                            ["private"] = Text("Present (with any value): only subscribers whose token allows one of the topics get the update."),
                        },
                    },
                },
            },
        };
    }
}
