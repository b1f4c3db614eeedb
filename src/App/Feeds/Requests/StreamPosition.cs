using System.Globalization;

namespace Tributary.App.Feeds.Requests;

/// <summary>
/// Where a reader is in each feed, written <c>feed:seq[,feed:seq...]</c>: the SSE event id of every item,
/// and what <c>Last-Event-ID</c> and <c>?since=</c> carry to resume.
/// </summary>
public sealed class StreamPosition
{
    private readonly Dictionary<string, long> _positions;

    private StreamPosition(Dictionary<string, long> positions) => _positions = positions;

    public static StreamPosition Empty { get; } = new(new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase));

    public bool IsEmpty => _positions.Count == 0;

    public static bool TryParse(string? text, out StreamPosition position)
    {
        var positions = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        position = Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0 || !long.TryParse(part.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                return false;
            }

            positions[part[..colon]] = sequence;
        }

        position = new StreamPosition(positions);
        return true;
    }

    public long? For(string feed) => _positions.TryGetValue(feed, out var sequence) ? sequence : null;
}
