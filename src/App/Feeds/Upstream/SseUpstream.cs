using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// <c>sse</c>: reads an upstream event stream (event, data, id, retry fields; multi-line data; comments
/// ignored) and sends the last id back as <c>Last-Event-ID</c> when it reconnects.
/// </summary>
internal static class SseUpstream
{
    public static async Task SessionAsync(UpstreamConnection connection, HttpClient http, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, connection.Feed.Url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (connection.LastEventId is { } lastId)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastId);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await connection.ConnectedAsync($"reading events from {connection.Feed.Url}", cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        var parser = new EventParser();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (parser.Accept(line, connection) is { } completed)
            {
                await connection.EmitAsync(completed, cancellationToken);
            }
        }
    }

    /// <summary>The event-stream field rules of the HTML standard, one line at a time.</summary>
    internal sealed class EventParser
    {
        private readonly StringBuilder _data = new();
        private string? _event;
        private bool _hasData;

        public SseEvent? Accept(string line, UpstreamConnection connection)
        {
            if (line.Length == 0)
            {
                return Dispatch(connection);
            }

            if (line[0] == ':')
            {
                return null;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "data":
                    _data.Append(_hasData ? "\n" : "").Append(value);
                    _hasData = true;
                    break;
                case "event":
                    _event = value;
                    break;
                case "id" when !value.Contains('\0', StringComparison.Ordinal):
                    connection.LastEventId = value;
                    break;
                case "retry" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds):
                    connection.RequestedRetry = TimeSpan.FromMilliseconds(milliseconds);
                    break;
            }

            return null;
        }

        private SseEvent? Dispatch(UpstreamConnection connection)
        {
            var completed = _hasData ? new SseEvent(_event ?? "message", connection.LastEventId, UpstreamPayload.FromText(_data.ToString())) : null;
            _data.Clear();
            _event = null;
            _hasData = false;
            return completed;
        }
    }
}
