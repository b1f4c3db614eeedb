using System.Net.Http.Headers;
using System.Text.Json;

namespace Tributary.Tests.Unit.Support;

internal static class StreamReading
{
    /// <summary>Sends a GET and returns as soon as the headers arrive, leaving the body to be read live.</summary>
    public static Task<HttpResponseMessage> OpenStreamAsync(this HttpClient client, string url, CancellationToken cancellationToken, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public static async Task<StreamReader> BodyReaderAsync(this HttpResponseMessage response, CancellationToken cancellationToken) =>
        new(await response.Content.ReadAsStreamAsync(cancellationToken));

    public static async Task<string> ReadLineOrThrowAsync(this StreamReader reader, CancellationToken cancellationToken) =>
        await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The stream ended early.");

    public static async Task<List<JsonElement>> ReadNdjsonToEndAsync(this StreamReader reader, CancellationToken cancellationToken)
    {
        var records = new List<JsonElement>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            records.Add(JsonDocument.Parse(line).RootElement);
        }

        return records;
    }

    /// <summary>
    /// Splits an SSE body into its events, leaving out comment-only blocks: a heartbeat may come between any two
    /// events (every 200 ms in the test settings), so a test that counts or indexes events must not see them.
    /// </summary>
    public static string[] SseEvents(this string body) =>
        body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(e => !e.StartsWith(':')).ToArray();

    public static string? MediaType(this HttpContentHeaders headers) => headers.ContentType?.MediaType;
}
