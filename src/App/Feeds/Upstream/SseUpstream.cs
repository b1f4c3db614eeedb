using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// <c>sse</c>: reads an upstream event stream (event, data, id, retry fields; multi-line data; comments
/// ignored) and sends the last id back as <c>Last-Event-ID</c> when it reconnects. An event whose data is
/// longer than <see cref="FeedDefinition.MaxItemBytes"/> is reported and skipped.
/// </summary>
internal static class SseUpstream
{
    public static async Task SessionAsync(UpstreamConnection connection, HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await UpstreamHttp.GetAsync(http, connection.Feed, headers => AddHeaders(headers, connection.LastEventId), cancellationToken);
        await connection.ConnectedAsync();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var lines = new UpstreamLineReader(body, connection.Feed.MaxItemBytes, lastLineAtEnd: true, connection.Watch.OnBytes);
        var parser = new EventParser(connection.Feed.MaxItemBytes);
        while (await lines.ReadAsync(cancellationToken) is { IsEnd: false } line)
        {
            var completed = line.IsOversize ? parser.AcceptOversize(line.OversizeBytes, line.OversizeStart) : parser.Accept(line.Text!, connection);
            if (completed.Event is { } item)
            {
                await connection.EmitAsync(item);
            }
            else if (completed.OversizeBytes > 0)
            {
                await connection.OversizeAsync("an event", completed.OversizeBytes);
            }
        }
    }

    private static void AddHeaders(HttpRequestHeaders headers, string? lastEventId)
    {
        headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
    }

    /// <summary>What a line completed: nothing, an event, or an event whose data has just outgrown the limit (its size so far).</summary>
    internal readonly record struct Dispatched(SseEvent? Event, long OversizeBytes);

    /// <summary>The event-stream field rules of the HTML standard, one line at a time.</summary>
    internal sealed class EventParser(int maxDataBytes)
    {
        // An id goes back to the upstream as a request header; a longer one would make every reconnect fail.
        private const int MaxIdLength = 1024;

        private readonly StringBuilder _data = new();
        private string? _event;
        private bool _hasData;
        private long _dataBytes;

        // The event's data passed the limit and was reported then; its dispatch delivers nothing.
        private bool _reported;

        public Dispatched Accept(string line, UpstreamConnection connection)
        {
            if (line.Length == 0)
            {
                return Dispatch(connection);
            }

            if (line[0] == ':')
            {
                return default;
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
                    return AppendData(value);
                case "event":
                    _event = value;
                    break;
                case "id" when value.Length <= MaxIdLength && !value.Contains('\0', StringComparison.Ordinal):
                    connection.LastEventId = value;
                    break;
                case "retry" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds):
                    connection.RequestRetry(TimeSpan.FromMilliseconds(milliseconds));
                    break;
            }

            return default;
        }

        /// <summary>
        /// A line too long to keep, known by its first bytes: a <c>data</c> line makes its event too large to
        /// deliver; any other field that long (a comment, an event name, an id) is ignored.
        /// </summary>
        public Dispatched AcceptOversize(long bytes, string start)
        {
            if (!start.StartsWith("data:", StringComparison.Ordinal))
            {
                return default;
            }

            var prefix = start.StartsWith("data: ", StringComparison.Ordinal) ? "data: ".Length : "data:".Length;
            _dataBytes += bytes - prefix + (_hasData ? 1 : 0);
            _hasData = true;
            _data.Clear();
            return Passed();
        }

        private Dispatched AppendData(string value)
        {
            // The newline between data lines counts, as it will be in the item.
            var first = !_hasData;
            _dataBytes += Encoding.UTF8.GetByteCount(value) + (first ? 0 : 1);
            _hasData = true;
            if (_dataBytes <= maxDataBytes)
            {
                _data.Append(first ? "" : "\n").Append(value);
                return default;
            }

            _data.Clear();
            return Passed();
        }

        // The event's data has just passed the limit: report it now, once, rather than when the event ends, which an
        // upstream that never sends the blank line would put off for good.
        private Dispatched Passed()
        {
            if (_reported)
            {
                return default;
            }

            _reported = true;
            return new Dispatched(null, _dataBytes);
        }

        private Dispatched Dispatch(UpstreamConnection connection)
        {
            var completed = !_hasData || _reported ? default
                : new Dispatched(new SseEvent(_event ?? "message", connection.LastEventId, UpstreamPayload.FromText(_data.ToString())), 0);
            _data.Clear();
            _event = null;
            _hasData = false;
            _dataBytes = 0;
            _reported = false;
            return completed;
        }
    }
}
