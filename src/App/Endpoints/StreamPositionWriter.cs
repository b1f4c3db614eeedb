using System.Globalization;
using System.Text;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Records;

namespace Tributary.App.Endpoints;

/// <summary>
/// Tracks a stream's position in each of its feeds and writes it as an SSE event id:
/// <c>feed:seq[,feed:seq...]</c>, in the request's feed order, listing only feeds that have sent an item
/// (or that the request resumed from). For a one-feed stream that is simply <c>feed:seq</c>.
/// </summary>
internal sealed class StreamPositionWriter
{
    private readonly string[] _feeds;
    private readonly long?[] _sequences;

    public StreamPositionWriter(IReadOnlyList<FeedDefinition> feeds, StreamPosition since)
    {
        _feeds = [.. feeds.Select(f => f.Name)];
        _sequences = [.. _feeds.Select(since.For)];
    }

    public string Advance(FeedItem<object> item)
    {
        var index = Array.FindIndex(_feeds, f => string.Equals(f, item.Feed, StringComparison.Ordinal));
        if (index >= 0)
        {
            _sequences[index] = item.Sequence;
        }

        var id = new StringBuilder();
        for (var i = 0; i < _feeds.Length; i++)
        {
            if (_sequences[i] is { } sequence)
            {
                id.Append(id.Length == 0 ? "" : ",").Append(_feeds[i]).Append(':').Append(sequence.ToString(CultureInfo.InvariantCulture));
            }
        }

        return id.ToString();
    }
}
