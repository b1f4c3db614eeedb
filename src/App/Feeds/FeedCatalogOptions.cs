namespace Tributary.App.Feeds;

/// <summary>The <c>Feeds</c> list of appsettings.json.</summary>
public sealed class FeedCatalogOptions
{
    public const string Section = "Feeds";

    public List<FeedDefinition> Feeds { get; set; } = [];

    /// <summary>
    /// How many of <see cref="Feeds"/> the <c>Feeds</c> list holds; the rest were added by the app (the Mercure hub's
    /// feed). Null: all of them.
    /// </summary>
    public int? ListedCount { get; set; }

    /// <summary>Entries that could not be read at all (a value of the wrong type), each naming the entry and the value.</summary>
    public List<string> Unreadable { get; } = [];

    /// <summary>
    /// Reads the list entry by entry: binding the whole list would silently drop an entry holding a value of the wrong
    /// type (<c>"Rate": "abc"</c>), so the feed would vanish instead of the start failing with a message naming it.
    /// </summary>
    public static FeedCatalogOptions Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new FeedCatalogOptions();
        foreach (var (entry, index) in configuration.GetSection(Section).GetChildren().Select((entry, index) => (entry, index)))
        {
            try
            {
                options.Feeds.Add(entry.Get<FeedDefinition>() ?? new FeedDefinition());
            }
            catch (InvalidOperationException unreadable)
            {
                options.Unreadable.Add($"Feeds[{index}]: {unreadable.Message}");
            }
        }

        return options;
    }
}
