using Tributary.App.Feeds;

namespace Tributary.App.Dashboard.Session;

/// <summary>
/// The one sentence for feed names an address gave that this user cannot watch. The catalog lists only the feeds
/// the user may watch, so a feed that exists but is not theirs reads exactly like one that does not exist.
/// </summary>
public static class UnknownFeeds
{
    /// <summary>The names in <paramref name="requested"/> that are not in <paramref name="catalog"/>.</summary>
    public static IReadOnlyList<string> In(IEnumerable<string>? requested, IReadOnlyList<FeedInfo> catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return [.. (requested ?? []).Where(f => !catalog.Any(c => c.Name == f)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>"The address names a feed this server does not offer you: 'x'. You can watch: a, b."</summary>
    public static string Sentence(IReadOnlyList<string> unknown, IReadOnlyList<FeedInfo> catalog)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        ArgumentNullException.ThrowIfNull(catalog);
        var names = string.Join(", ", unknown.Select(f => $"'{Shorten(f)}'"));
        var known = catalog.Count == 0 ? "none" : string.Join(", ", catalog.Select(f => f.Name));
        return unknown.Count == 1
            ? $"The address names a feed this server does not offer you: {names}. You can watch: {known}."
            : $"The address names feeds this server does not offer you: {names}. You can watch: {known}.";
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
