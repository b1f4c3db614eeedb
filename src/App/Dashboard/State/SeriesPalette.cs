namespace Tributary.App.Dashboard.State;

/// <summary>
/// Chart colours. Each has at least 3:1 contrast against the card in both themes (white, and #1e1e1e in the
/// dark theme), so a one-line chart is visible in either; a series' colour follows from its name, so the same
/// station or symbol keeps its colour from one run, page or tab to the next.
/// </summary>
public static class SeriesPalette
{
    /// <summary>Blue, orange, green, magenta, teal, red, purple, olive: 3.28:1 or more on both card colours.</summary>
    public static IReadOnlyList<string> Colours { get; } = ["#2f6fdb", "#d1570f", "#1c8a3f", "#c2338a", "#0f8787", "#d13438", "#8a4fd8", "#8a7a00"];

    /// <summary>
    /// The colour of <paramref name="series"/>, given the names already coloured on the same chart: its name's
    /// stable hash picks a colour, and the next free one is taken if a sibling has it.
    /// </summary>
    public static string ColourOf(string series, IReadOnlyCollection<string> taken)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(taken);
        var start = (int)(StableHash(series) % (uint)Colours.Count);
        for (var i = 0; i < Colours.Count; i++)
        {
            var colour = Colours[(start + i) % Colours.Count];
            if (!taken.Contains(colour))
            {
                return colour;
            }
        }

        return Colours[start];
    }

    // FNV-1a: string.GetHashCode is randomised per process, which would repaint every series on a restart.
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
