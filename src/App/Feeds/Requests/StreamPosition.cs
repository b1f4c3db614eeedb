using System.Globalization;
using System.Text.RegularExpressions;

namespace Tributary.App.Feeds.Requests;

/// <summary>
/// Where a reader is in each feed, written <c>feed:seq[@epoch][,feed:seq[@epoch]...]</c>: the SSE event id of
/// every item, and what <c>Last-Event-ID</c> and <c>?since=</c> carry to resume. The epoch is the one the
/// item records carry; a position from another epoch of the feed is answered with a <c>reset</c>.
/// </summary>
public sealed partial class StreamPosition
{
    private readonly Dictionary<string, FeedPosition> _positions;

    private StreamPosition(Dictionary<string, FeedPosition> positions) => _positions = positions;

    public static StreamPosition Empty { get; } = new(new Dictionary<string, FeedPosition>(StringComparer.OrdinalIgnoreCase));

    public bool IsEmpty => _positions.Count == 0;

    public static bool TryParse(string? text, out StreamPosition position)
    {
        var positions = new Dictionary<string, FeedPosition>(StringComparer.OrdinalIgnoreCase);
        position = Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0 || !TryParseFeedPosition(part[(colon + 1)..], out var feedPosition))
            {
                return false;
            }

            positions[part[..colon]] = feedPosition;
        }

        position = new StreamPosition(positions);
        return true;
    }

    public FeedPosition? For(string feed) => _positions.TryGetValue(feed, out var position) ? position : null;

    private static bool TryParseFeedPosition(string text, out FeedPosition position)
    {
        position = default;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var epoch = at < 0 ? null : text[(at + 1)..];
        if (epoch is not null && !Epoch().IsMatch(epoch))
        {
            return false;
        }

        if (!long.TryParse(at < 0 ? text : text[..at], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        position = new FeedPosition(sequence, epoch);
        return true;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Epoch();
}
