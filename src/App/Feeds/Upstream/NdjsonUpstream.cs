using System.Net.Http.Headers;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// <c>ndjson</c>: reads an upstream chunked NDJSON stream line by line, each line one item. Another
/// Tributary's <c>/api/stream</c> works as one. A line that is not JSON, or is longer than
/// <see cref="FeedDefinition.MaxItemBytes"/>, is reported and skipped.
/// </summary>
internal static class NdjsonUpstream
{
    public static async Task SessionAsync(UpstreamConnection connection, HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await UpstreamHttp.GetAsync(http, connection.Feed, headers => headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson")), cancellationToken);
        await connection.ConnectedAsync();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var lines = new UpstreamLineReader(body, connection.Feed.MaxItemBytes, lastLineAtEnd: true, connection.Watch.OnBytes);
        long lineNumber = 0;
        while (await lines.ReadAsync(cancellationToken) is { IsEnd: false } line)
        {
            lineNumber++;
            if (line.IsOversize)
            {
                await connection.OversizeAsync($"line {lineNumber}", line.OversizeBytes);
            }
            else if (!string.IsNullOrWhiteSpace(line.Text))
            {
                await (UpstreamPayload.TryParseJson(line.Text, out var json)
                    ? connection.EmitAsync(json)
                    : connection.MalformedAsync($"line {lineNumber} is not JSON and was skipped: {Shorten(line.Text)}"));
            }
        }
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "…";
}
