using System.Text;
using System.Text.RegularExpressions;

namespace Tributary.App.Mercure;

/// <summary>
/// Turns an RFC 6570 URI template into the expression that matches every URI it can expand to, as Mercure topic
/// selectors are matched. Each expression becomes the characters its operator may expand to; the literal text is
/// matched exactly. The expression runs on the non-backtracking engine, so a selector a subscriber sends cannot take
/// the server's time (the specification asks for linear-time matching).
/// </summary>
internal static partial class UriTemplatePattern
{
    // What a simple expansion may produce: unreserved characters, percent-escapes, and commas between list values.
    private const string Unreserved = @"(?:[A-Za-z0-9\-._~,]|%[0-9A-Fa-f]{2})*";

    // What reserved ({+var}) and fragment ({#var}) expansions may also produce.
    private const string Reserved = @"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*";

    private const string QueryPairs = @"(?:[A-Za-z0-9\-._~,=&]|%[0-9A-Fa-f]{2})*";

    /// <summary>The most expressions one template may hold: each widens the automaton every topic is run through.</summary>
    public const int MaxExpressions = 10;

    /// <summary>
    /// The expression for <paramref name="template"/>, or null with the reason it is not a URI template;
    /// <paramref name="tooComplex"/> when it is one, but beyond what the hub matches.
    /// </summary>
    public static Regex? TryCompile(string template, out string? error, out bool tooComplex)
    {
        tooComplex = false;
        var pattern = new StringBuilder("^");
        var at = 0;
        var expressions = 0;
        while (at < template.Length)
        {
            var open = template.IndexOf('{', at);
            var close = template.IndexOf('}', at);
            if (close >= 0 && (open < 0 || close < open))
            {
                error = $"a '}}' at character {close + 1} closes no expression";
                return null;
            }

            if (open < 0)
            {
                pattern.Append(Regex.Escape(template[at..]));
                break;
            }

            pattern.Append(Regex.Escape(template[at..open]));
            if (close < 0)
            {
                error = $"the expression opened at character {open + 1} is not closed";
                return null;
            }

            if (ExpressionPattern(template[(open + 1)..close]) is not { } expression)
            {
                error = $"'{{{template[(open + 1)..close]}}}' is not an expression of variable names";
                return null;
            }

            if (++expressions > MaxExpressions)
            {
                (error, tooComplex) = ($"it has more than {MaxExpressions} expressions", true);
                return null;
            }

            pattern.Append(expression);
            at = close + 1;
        }

        try
        {
            error = null;
            return new Regex(pattern.Append(@"\z").ToString(), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (NotSupportedException tooLarge)
        {
            // The non-backtracking engine refuses automata beyond its size limit rather than run them slowly.
            (error, tooComplex) = ($"it is too complex to match ({tooLarge.Message})", true);
            return null;
        }
    }

    private static string? ExpressionPattern(string expression)
    {
        var (op, names) = expression.Length > 0 && "+#./;?&".Contains(expression[0], StringComparison.Ordinal)
            ? (expression[0], expression[1..])
            : ('\0', expression);
        if (!names.Split(',').All(VariableSpec().IsMatch))
        {
            return null;
        }

        return op switch
        {
            '+' => Reserved,
            '#' => $"(?:#{Reserved})?",
            '.' => $@"(?:\.{Unreserved})*",
            '/' => $"(?:/{Unreserved})*",
            ';' => $"(?:;{Unreserved}(?:={Unreserved})?)*",
            '?' => $@"(?:\?{QueryPairs})?",
            '&' => $"(?:&{QueryPairs})?",
            _ => Unreserved,
        };
    }

    // A variable name (letters, digits, '_', '.', percent-escapes), with an optional prefix length or explode modifier.
    [GeneratedRegex(@"^(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*(?::[1-9][0-9]{0,3}|\*)?$")]
    private static partial Regex VariableSpec();
}
