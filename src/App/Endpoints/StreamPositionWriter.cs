using System.Globalization;
using System.Text;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Records;

namespace Tributary.App.Endpoints;

/// <summary>
/// Tracks a stream's position in each of its feeds and writes it as an SSE event id:
/// <c>feed:seq[@epoch][,feed:seq[@epoch]...]</c>, in the request's feed order, listing only feeds that have sent an item
/// (or that the request resumed from). For a one-feed stream that is simply <c>feed:seq</c>.
/// </summary>
internal sealed class StreamPositionWriter
{
    private readonly string[] _feeds;
    private readonly FeedPosition?[] _positions;

    public StreamPositionWriter(IReadOnlyList<FeedDefinition> feeds, StreamPosition since)
    {
        _feeds = [.. feeds.Select(f => f.Name)];
        _positions = [.. _feeds.Select(since.For)];
    }

    public string Advance(FeedItem<object> item)
    {
        var index = Array.FindIndex(_feeds, f => string.Equals(f, item.Feed, StringComparison.Ordinal));
        if (index >= 0)
        {
            _positions[index] = new FeedPosition(item.Sequence, item.Epoch);
        }

        var id = new StringBuilder();
        for (var i = 0; i < _feeds.Length; i++)
        {
            if (_positions[i] is { } position)
            {
                id.Append(id.Length == 0 ? "" : ",").Append(_feeds[i]).Append(':').Append(position.Sequence.ToString(CultureInfo.InvariantCulture));
                if (position.Epoch is { } epoch)
                {
                    id.Append('@').Append(epoch);
                }
            }
        }

        return id.ToString();
    }
}
