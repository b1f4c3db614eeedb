using System.Text.RegularExpressions;

namespace Tributary.App.Mercure;

/// <summary>
/// One Mercure topic selector: <c>*</c> (every topic), a URI template such as <c>https://example.com/books/{id}</c>
/// (every topic it can expand to), or else one topic, compared exactly.
/// </summary>
internal sealed class TopicSelector
{
    /// <summary>The selector that matches every topic.</summary>
    public const string Everything = "*";

    private readonly string _text;
    private readonly Regex? _template;

    private TopicSelector(string text, Regex? template)
    {
        _text = text;
        _template = template;
    }

    public override string ToString() => _text;

    /// <summary>The selector <paramref name="text"/> means, or null with the reason it means none.</summary>
    public static TopicSelector? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        if (text.Length == 0)
        {
            error = "a topic selector is empty";
            return null;
        }

        if (!text.Contains('{', StringComparison.Ordinal) && !text.Contains('}', StringComparison.Ordinal))
        {
            return new TopicSelector(text, null);
        }

        var template = UriTemplatePattern.TryCompile(text, out var reason);
        if (template is null)
        {
            error = $"topic selector '{text}' is not a valid URI template: {reason}";
            return null;
        }

        return new TopicSelector(text, template);
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
}
