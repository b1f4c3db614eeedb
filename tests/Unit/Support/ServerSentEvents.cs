namespace Tributary.Tests.Unit.Support;

/// <summary>Reads server-sent events the way the HTML specification's EventSource does, keeping comments too.</summary>
internal sealed class ServerSentEvents(StreamReader reader) : IDisposable
{
    /// <summary>Comment lines seen so far (heartbeats).</summary>
    public int Comments { get; private set; }

    /// <summary>What an EventSource would send as <c>Last-Event-ID</c> now: set by every id field, even of an event without data.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>The next event; null when the stream ends.</summary>
    public async Task<ServerSentEvent?> NextAsync(CancellationToken cancellationToken)
    {
        string? type = null, retry = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    return new ServerSentEvent(LastEventId, type ?? "message", string.Join('\n', data), retry);
                }

                (type, retry) = (null, null);
                continue;
            }

            if (line[0] == ':')
            {
                Comments++;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "id": LastEventId = value; break;
                case "event": type = value; break;
                case "retry": retry = value; break;
                case "data": data.Add(value); break;
            }
        }

        return null;
    }

    /// <summary>The next event, failing the test when the stream ends first.</summary>
    public async Task<ServerSentEvent> NextOrThrowAsync(CancellationToken cancellationToken) =>
        await NextAsync(cancellationToken) ?? throw new InvalidOperationException("The event stream ended.");

    /// <summary>Reads until a heartbeat comment arrives.</summary>
    public async Task WaitForCommentAsync(CancellationToken cancellationToken)
    {
        var before = Comments;
        while (Comments == before)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new InvalidOperationException("The event stream ended.");
            if (line.StartsWith(':'))
            {
                Comments++;
            }
        }
    }

    public void Dispose() => reader.Dispose();
}
