namespace Tributary.App.Mercure;

/// <summary>A list of topic selectors: a subscriber's <c>topic</c> parameters, or a token's <c>publish</c> or <c>subscribe</c> claim.</summary>
internal sealed class TopicSelectors
{
    private readonly IReadOnlyList<TopicSelector> _selectors;

    private TopicSelectors(IReadOnlyList<TopicSelector> selectors) => _selectors = selectors;

    /// <summary>Selects nothing.</summary>
    public static TopicSelectors None { get; } = new([]);

    public int Count => _selectors.Count;

    /// <summary>The most selectors one subscription or one claim may hold: each update is matched against all of them.</summary>
    public const int MaxCount = 100;

    /// <summary>The selectors of <paramref name="texts"/>, or null with the reason for the first that is not one.</summary>
    public static TopicSelectors? TryParse(IEnumerable<string> texts, out string? error)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var selectors = new List<TopicSelector>();
        foreach (var text in texts)
        {
            if (selectors.Count == MaxCount)
            {
                error = $"topic selectors are more than the {MaxCount} taken";
                return null;
            }

            if (TopicSelector.TryParse(text, out error) is not { } selector)
            {
                return null;
            }

            selectors.Add(selector);
        }

        error = null;
        return new TopicSelectors(selectors);
    }

    /// <summary>Whether any selector matches <paramref name="topic"/>.</summary>
    public bool Match(string topic)
    {
        foreach (var selector in _selectors)
        {
            if (selector.Matches(topic))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether any selector matches any of <paramref name="topics"/>.</summary>
    public bool MatchAny(IReadOnlyList<string> topics)
    {
        foreach (var topic in topics)
        {
            if (Match(topic))
            {
                return true;
            }
        }

        return false;
    }
}
