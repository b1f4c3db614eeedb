using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Operations;

/// <summary>The document at /openapi/v1.json against the endpoints the app maps and the responses they really give.</summary>
public sealed class OpenApiDocumentTests(StreamApiFixture fixture) : IClassFixture<StreamApiFixture>
{
    [Fact]
    public async Task Every_http_endpoint_the_app_maps_is_in_the_document_with_its_methods()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");

        var endpoints = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(IsApi)
            .ToList();

        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            Assert.True(paths.TryGetProperty(route, out var item), $"{route} is mapped but not in the document.");
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Where(m => m != "HEAD"))
            {
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} {route} is mapped but not in the document.");
            }
        }

        var operationIds = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).Select(o => o.Value.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(operationIds.Count, operationIds.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/api/stream");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/metrics");
    }

    [Fact]
    public async Task The_document_is_valid_OpenAPI_3_1_with_every_reference_resolved()
    {
        using var client = fixture.NewClient();
        var text = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestTimeouts.TestToken());

        var read = OpenApiDocument.Parse(text, OpenApiConstants.Json);
        var problems = read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? [];

        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.Diagnostic!.SpecificationVersion);
        Assert.Empty(read.Diagnostic.Errors);
        // A reference to a schema that is not in the document is a warning to the reader: none may be left.
        Assert.Empty(read.Diagnostic.Warnings);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Numbers_in_responses_are_described_as_numbers_only()
    {
        var document = await DocumentAsync();

        var stats = OpenApiSchemaCheck.Schema(document, "StreamStatsSnapshot").GetRawText();

        // The API writes numbers as JSON numbers, never as strings: the document must not say "or a string".
        Assert.DoesNotContain("\"string\"", OpenApiSchemaCheck.Schema(document, "ProblemDetails").GetProperty("properties").GetProperty("status").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("\"integer\"", stats, StringComparison.Ordinal);
        Assert.DoesNotContain("\"pattern\"", stats, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_example_in_the_document_matches_its_own_schema()
    {
        var document = await DocumentAsync();
        var checkedExamples = 0;
        foreach (var (where, example, schema) in Examples(document))
        {
            Assert.Empty(OpenApiSchemaCheck.Check(example, schema, document, where));
            checkedExamples++;
        }

        Assert.True(checkedExamples >= 3, $"Only {checkedExamples} JSON examples were found.");
    }

    [Fact]
    public async Task Real_stream_records_match_the_record_schemas()
    {
        var token = TestTimeouts.TestToken();
        var document = await DocumentAsync();
        var record = document.GetProperty("paths").GetProperty("/api/stream").GetProperty("get").GetProperty("responses")
            .GetProperty("200").GetProperty("content").GetProperty("application/x-ndjson").GetProperty("schema");
        using var client = fixture.NewClient();

        // Data, a reset (a position from another epoch) and an error record (a failing feed).
        var records = new List<JsonElement>();
        using (var response = await client.OpenStreamAsync("/api/stream?feeds=news&limit=1&since=news:3@aaaaaaaaaaaa", token))
        {
            records.AddRange(await (await response.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token));
        }

        using (var response = await client.OpenStreamAsync("/api/stream?feeds=broken", token))
        {
            records.AddRange(await (await response.BodyReaderAsync(token)).ReadNdjsonToEndAsync(token));
        }

        Assert.Contains(records, r => r.TryGetProperty("type", out var t) && t.GetString() == "reset");
        Assert.Contains(records, r => r.TryGetProperty("type", out var t) && t.GetString() == "error");
        foreach (var item in records)
        {
            Assert.Empty(OpenApiSchemaCheck.Check(item, record, document));
        }

        // A record that is none of the shapes is caught: the check can fail.
        Assert.NotEmpty(OpenApiSchemaCheck.Check(JsonDocument.Parse("""{"type":"gap"}""").RootElement, record, document));
    }

    [Theory]
    [InlineData("/api/feeds", "get", "200")]
    [InlineData("/api/stats", "get", "200")]
    [InlineData("/api/health", "get", "200")]
    [InlineData("/api/stream?feeds=nope", "get", "400")]
    [InlineData("/api/export/nope.csv", "get", "404")]
    [InlineData("/api/files/missing.csv", "get", "404")]
    public async Task Json_responses_match_the_schema_the_document_gives_for_their_status(string url, string method, string status)
    {
        var token = TestTimeouts.TestToken();
        var document = await DocumentAsync();
        using var client = fixture.NewClient();

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative), token);
        Assert.Equal(status, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement;
        var operation = document.GetProperty("paths").GetProperty(url.Split('?')[0].Replace("nope.csv", "{file}", StringComparison.Ordinal).Replace("missing.csv", "{name}", StringComparison.Ordinal)).GetProperty(method);
        var content = operation.GetProperty("responses").GetProperty(status).GetProperty("content");
        var media = content.GetProperty(response.Content.Headers.ContentType!.MediaType!);

        Assert.Empty(OpenApiSchemaCheck.Check(body, media.GetProperty("schema"), document));
    }

    [Fact]
    public async Task A_method_an_endpoint_does_not_take_gets_the_documented_405_problem()
    {
        var token = TestTimeouts.TestToken();
        var document = await DocumentAsync();
        using var client = fixture.NewClient();

        using var response = await client.PostAsync(new Uri("/api/stream", UriKind.Relative), null, token);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement;
        Assert.Contains("POST is not allowed on /api/stream", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(document.GetProperty("paths").GetProperty("/api/stream").GetProperty("get").GetProperty("responses").TryGetProperty("405", out _));
        Assert.Empty(OpenApiSchemaCheck.Check(problem, OpenApiSchemaCheck.Schema(document, "ProblemDetails"), document));
    }

    [Fact]
    public async Task The_publish_operation_documents_its_body_its_key_header_and_the_answer_it_really_gives()
    {
        var token = TestTimeouts.TestToken();
        var document = await DocumentAsync();
        var operation = document.GetProperty("paths").GetProperty("/api/feeds/{feed}/items").GetProperty("post");
        using var client = fixture.NewClient();

        using var response = await client.PublishAsync("events", """{"data":{"order":17},"id":"doc-1"}""", token);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement;
        using var refused = await client.PublishAsync("events", """{"order":17}""", token);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(token)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(OpenApiSchemaCheck.Check(answer, operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"), document));
        Assert.Empty(OpenApiSchemaCheck.Check(problem, operation.GetProperty("responses").GetProperty("400").GetProperty("content").GetProperty("application/problem+json").GetProperty("schema"), document));
        var body = operation.GetProperty("requestBody").GetProperty("content");
        Assert.True(body.TryGetProperty("application/x-ndjson", out _));
        Assert.Equal(["data"], body.GetProperty("application/json").GetProperty("schema").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
    }

    [Fact]
    public async Task The_Mercure_hub_documents_its_subscription_parameters_and_its_publish_form()
    {
        var document = await DocumentAsync();
        var hub = document.GetProperty("paths").GetProperty("/.well-known/mercure");
        var subscribe = hub.GetProperty("get");
        var publish = hub.GetProperty("post");

        Assert.Equal(["topic", "lastEventID", "Last-Event-ID"], subscribe.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.True(subscribe.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.True(subscribe.GetProperty("responses").TryGetProperty("401", out _));
        var form = publish.GetProperty("requestBody").GetProperty("content").GetProperty("application/x-www-form-urlencoded").GetProperty("schema");
        Assert.Equal(["topic"], form.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["data", "id", "private", "retry", "topic", "type"], form.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(publish.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/plain", out _));
        Assert.True(publish.GetProperty("responses").TryGetProperty("403", out _));
    }

    [Fact]
    public async Task The_stream_parameters_carry_the_limits_the_server_enforces()
    {
        var token = TestTimeouts.TestToken();
        var document = await DocumentAsync();
        var parameters = document.GetProperty("paths").GetProperty("/api/stream").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!);
        var maxRate = parameters["rate"].GetProperty("schema").GetProperty("maximum").GetDouble();
        using var client = fixture.NewClient();

        using var above = await client.GetAsync(new Uri($"/api/stream?feeds=counter&rate={maxRate * 2}", UriKind.Relative), token);

        Assert.True(parameters["feeds"].GetProperty("required").GetBoolean());
        Assert.Equal(["ndjson", "sse", "text"], parameters["format"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, above.StatusCode);
        Assert.Contains($"and {maxRate}", await above.Content.ReadAsStringAsync(token), StringComparison.Ordinal);
        Assert.Contains("at most 16", parameters["feeds"].GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private static bool IsApi(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not null
        && endpoint.Metadata.GetMetadata<HubMetadata>() is null
        && endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is null
        && endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true }
        && endpoint.RoutePattern.RawText is { } route
        && !route.StartsWith("/openapi", StringComparison.Ordinal)
        && !route.StartsWith("/_", StringComparison.Ordinal)
        && !route.Contains('.', StringComparison.Ordinal)
        && !route.Contains(":file}", StringComparison.Ordinal);

    private static IEnumerable<(string Where, JsonElement Example, JsonElement Schema)> Examples(JsonElement document)
    {
        foreach (var schema in document.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            foreach (var example in SchemaExamples(schema.Value))
            {
                yield return (schema.Name, example, schema.Value);
            }
        }

        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];
                foreach (var parameter in parameters.Where(p => p.TryGetProperty("schema", out _)))
                {
                    foreach (var example in SchemaExamples(parameter.GetProperty("schema")))
                    {
                        yield return ($"{path.Name} {operation.Name} {parameter.GetProperty("name").GetString()}", example, parameter.GetProperty("schema"));
                    }
                }

                foreach (var response in operation.Value.GetProperty("responses").EnumerateObject())
                {
                    if (!response.Value.TryGetProperty("content", out var content))
                    {
                        continue;
                    }

                    foreach (var media in content.EnumerateObject().Where(m => m.Value.TryGetProperty("example", out _) && m.Value.TryGetProperty("schema", out _)))
                    {
                        yield return ($"{path.Name} {operation.Name} {response.Name} {media.Name}", media.Value.GetProperty("example"), media.Value.GetProperty("schema"));
                    }
                }
            }
        }
    }

    // JSON Schema 2020-12 gives a schema a list of examples; OpenAPI 3.0's single example is still read.
    private static IEnumerable<JsonElement> SchemaExamples(JsonElement schema)
    {
        if (schema.TryGetProperty("example", out var example))
        {
            yield return example;
        }

        if (schema.TryGetProperty("examples", out var examples))
        {
            foreach (var each in examples.EnumerateArray())
            {
                yield return each;
            }
        }
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = fixture.NewClient();
        var text = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestTimeouts.TestToken());
        var document = JsonDocument.Parse(text).RootElement;
        Assert.StartsWith("3.1.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        return document;
    }
}
