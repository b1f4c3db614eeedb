using Microsoft.OpenApi;

namespace Tributary.App.Operations;

/// <summary>
/// The responses of the OpenAPI document's operations: content by status, and what every operation can answer
/// besides (405, 503, and 401/403 with the bearer scheme where a credential is needed), as problem+json.
/// </summary>
internal static class ApiResponses
{
    public const string ProblemSchema = "ProblemDetails";

    public const string BearerScheme = "bearer";

    /// <summary>Sets a status's description and content, keeping what the endpoint itself declared for it otherwise.</summary>
    public static void Content(OpenApiOperation operation, string status, string description, IDictionary<string, OpenApiMediaType> content)
    {
        var responses = operation.Responses ??= [];
        if (responses.TryGetValue(status, out var existing) && existing is OpenApiResponse response)
        {
            response.Description = description;
            response.Content = content;
        }
        else
        {
            responses[status] = new OpenApiResponse { Description = description, Content = content };
        }
    }

    /// <summary>The responses any operation can give; each only where the operation does not describe that status already.</summary>
    public static void AddCommon(OpenApiOperation operation, bool requiresAuthorization, OpenApiDocument? document)
    {
        Problem(operation, "405", "The method is not allowed here (see the Allow header).");
        Problem(operation, "503", "The server is stopping (with Retry-After): retry, or another instance answers.");
        if (requiresAuthorization)
        {
            Problem(operation, "401", "No credential, or one that is unknown, revoked or expired (with Auth:Mode other than None).");
            Problem(operation, "403", "The credential may not use this endpoint or watch the feed it names.");
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
        }
    }

    private static void Problem(OpenApiOperation operation, string status, string description)
    {
        var responses = operation.Responses ??= [];
        if (!responses.ContainsKey(status))
        {
            responses[status] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = FeedRecordSchemas.Ref(ProblemSchema) } },
            };
        }
    }
}
