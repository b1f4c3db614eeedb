using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Tributary.App.Endpoints.Publishing;
using Tributary.App.Feeds.Publishing;

namespace Tributary.App.Operations;

/// <summary>
/// The publish operation's request, which the endpoint reads itself (so that every bad body gets a sentence, not the
/// framework's bare 415): one item as JSON or a batch as NDJSON, each <c>{"data": …, "id": "…"}</c>, and the
/// <c>Idempotency-Key</c> header.
/// </summary>
internal static class PublishDescription
{
    public static void Describe(OpenApiOperation operation, PublishingOptions options)
    {
        var item = Item();
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"At most {options.MaxBatchItems.ToString(CultureInfo.InvariantCulture)} items (Publishing:MaxBatchItems) and {options.MaxRequestBytes.ToString(CultureInfo.InvariantCulture)} bytes (Publishing:MaxRequestBytes); each item's data at most the feed's MaxItemBytes.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = item, Example = JsonNode.Parse("""{"data":{"order":17,"status":"created"},"id":"order-17-created"}""") },
                ["application/x-ndjson"] = new()
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "One item per line, each as in application/json; blank lines are skipped." },
                    Example = JsonValue.Create("{\"data\":{\"order\":17},\"id\":\"o-17\"}\n{\"data\":{\"order\":18},\"id\":\"o-18\"}\n"),
                },
            },
        };
        (operation.Parameters ??= []).Add(new OpenApiParameter
        {
            Name = PublishRequestReader.IdempotencyKeyHeader,
            In = ParameterLocation.Header,
            Description = $"1 to {PublishRequestReader.MaxKeyLength} printable ASCII characters, e.g. a UUID. Sent again within Publishing:IdempotencyWindow ({options.IdempotencyWindow}) with the same request, on any instance, it gets the first answer (with Idempotent-Replayed: true) and publishes nothing; with a different request, 422.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = PublishRequestReader.MaxKeyLength },
        });
    }

    private static OpenApiSchema Item() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "One item. Fields other than these are refused, so a body that is the data itself is caught.",
        Required = new SortedSet<string>(StringComparer.Ordinal) { "data" },
        AdditionalPropertiesAllowed = false,
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["data"] = new OpenApiSchema { Description = "The item's data: any JSON value. Readers get it as the record's data." },
            ["id"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                MinLength = 1,
                MaxLength = PublishRequestReader.MaxIdLength,
                Description = "Optional: the publisher's id for the item. The same id on the same feed within the idempotency window creates nothing; the answer gives the first item's numbers, marked duplicate.",
            },
        },
    };
}
