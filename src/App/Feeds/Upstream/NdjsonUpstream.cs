using System.Text;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// <c>ndjson</c>: reads an upstream chunked NDJSON stream line by line, each line one item. Another
/// Tributary's <c>/api/stream</c> works as one. A line that is not JSON is reported and skipped.
/// </summary>
internal static class NdjsonUpstream
{
    public static async Task SessionAsync(UpstreamConnection connection, HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(connection.Feed.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await connection.ConnectedAsync($"reading NDJSON from {connection.Feed.Url}", cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        long lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            await (UpstreamPayload.TryParseJson(line, out var json)
                ? connection.EmitAsync(json, cancellationToken)
                : connection.MalformedAsync($"line {lineNumber} is not JSON and was skipped: {Shorten(line)}", cancellationToken));
        }
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
