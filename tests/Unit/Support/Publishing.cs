using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tributary.Tests.Unit.Support;

/// <summary>Sends publishes to <c>POST /api/feeds/{feed}/items</c> as a publisher would.</summary>
internal static class Publishing
{
    public const string Json = "application/json";
    public const string Ndjson = "application/x-ndjson";

    public static async Task<HttpResponseMessage> PublishAsync(this HttpClient client, string feed, string body, CancellationToken cancellationToken, string contentType = Json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/feeds/{feed}/items", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request, cancellationToken);
    }

    /// <summary>Publishes and returns the answer's items, failing the test with the problem's text if it was refused.</summary>
    public static async Task<JsonElement[]> PublishOkAsync(this HttpClient client, string feed, string body, CancellationToken cancellationToken, string contentType = Json, string? idempotencyKey = null)
    {
        using var response = await client.PublishAsync(feed, body, cancellationToken, contentType, idempotencyKey);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray()];
    }

    /// <summary>The problem's detail, after checking the status and that the answer is problem+json.</summary>
    public static async Task<string> ProblemAsync(this HttpResponseMessage response, int status, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
    }
}
