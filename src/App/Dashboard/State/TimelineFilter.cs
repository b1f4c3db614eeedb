using System.Text.Json;

namespace Tributary.App.Dashboard.State;

/// <summary>
/// Which timeline rows show: one feed (or all), rows containing some text, and rows whose data has a field with a
/// value (set by clicking a value in an opened row). Kept in the dashboard's address like the rest of the view.
/// </summary>
/// <param name="Feed">Only this feed's rows; null for all feeds.</param>
/// <param name="Text">Only rows whose summary or feed contains this, ignoring case; null for any.</param>
/// <param name="Field">Only rows whose data has this field (dotted path for nested objects) ...</param>
/// <param name="Value">... with this value, as its text; both null for any.</param>
public sealed record TimelineFilter(string? Feed = null, string? Text = null, string? Field = null, string? Value = null)
{
    public static TimelineFilter None { get; } = new();

    public bool IsEmpty => Feed is null && string.IsNullOrEmpty(Text) && Field is null;

    public bool Matches(TimelineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (Feed is null || entry.Feed == Feed)
            && (string.IsNullOrWhiteSpace(Text) || entry.Summary.Contains(Text, StringComparison.OrdinalIgnoreCase) || entry.Feed.Contains(Text, StringComparison.OrdinalIgnoreCase))
            && (Field is null || (entry.Record is { } record && ValueAt(record.Data, Field) == Value));
    }

    /// <summary>The text of the value at a dotted <paramref name="path"/> in <paramref name="data"/>, or null if there is none.</summary>
    public static string? ValueAt(JsonElement data, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = data;
        foreach (var name in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.String ? current.GetString() : current.GetRawText();
    }
}
