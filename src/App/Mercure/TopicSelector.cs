using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Tributary.App.Mercure;

/// <summary>
/// One Mercure topic selector: <c>*</c> (every topic), a URI template such as <c>https://example.com/books/{id}</c>
/// (every topic it can expand to), or else one topic, compared exactly (as the reference hub does with braces that make
/// no template).
/// </summary>
internal sealed class TopicSelector
{
    /// <summary>The selector that matches every topic.</summary>
    public const string Everything = "*";

    /// <summary>The longest selector taken, in characters.</summary>
    public const int MaxLength = 2048;

    // Subscribers and tokens send the same few selectors again and again; the expressions are built once. Bounded, so
    // a client sending endless different ones costs itself time, not the server memory.
    private const int CacheCapacity = 10_000;
    private static readonly ConcurrentDictionary<string, Regex?> Templates = new(StringComparer.Ordinal);

    private readonly string _text;
    private readonly Regex? _template;

    private TopicSelector(string text, Regex? template)
    {
        _text = text;
        _template = template;
    }

    public override string ToString() => _text;

    /// <summary>The selector <paramref name="text"/> means, or null with the reason it is not taken.</summary>
    public static TopicSelector? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = text.Length switch
        {
            0 => "topic selector is empty",
            > MaxLength => $"topic selector of {text.Length} characters is longer than the {MaxLength} taken",
            _ => null,
        };
        if (error is not null)
        {
            return null;
        }

        if (!text.Contains('{', StringComparison.Ordinal))
        {
            return new TopicSelector(text, null);
        }

        var template = Template(text, out error);
        return error is null ? new TopicSelector(text, template) : null;
    }

    public bool Matches(string topic)
    {
        if (_text == Everything || string.Equals(_text, topic, StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            return _template?.IsMatch(topic) == true;
        }
        catch (RegexMatchTimeoutException)
        {
            // The specification's rule for a selector too costly to evaluate: it does not match.
            return false;
        }
    }

    // The template's expression; null (a topic compared exactly) when the braces make no template; an error when they
    // make one beyond what the hub matches, which is refused rather than silently matching nothing.
    private static Regex? Template(string text, out string? error)
    {
        error = null;
        if (Templates.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var template = UriTemplatePattern.TryCompile(text, out var reason, out var tooComplex);
        if (tooComplex)
        {
            error = $"topic selector '{(text.Length > 80 ? text[..80] + "…" : text)}' is refused: {reason}";
            return null;
        }

        if (Templates.Count < CacheCapacity)
        {
            Templates.TryAdd(text, template);
        }

        return template;
    }
}
