using Tributary.App.Feeds;

namespace Tributary.App.Mercure;

/// <summary>
/// The feed the hub keeps its updates in, added to the catalog from the <c>Mercure</c> section rather than written in
/// the <c>Feeds</c> list: configuration lists merge by index, so a shipped entry there would take over the first feed
/// an operator adds after the shipped ones.
/// </summary>
internal static class MercureFeed
{
    /// <summary>Adds the hub's feed to <paramref name="catalog"/>, unless the hub is off or a listed feed has its name (the hub's validation says so).</summary>
    public static void AddTo(FeedCatalogOptions catalog, IConfiguration configuration)
    {
        MercureOptions? settings;
        try
        {
            settings = configuration.GetSection(MercureOptions.Section).Get<MercureOptions>() ?? new MercureOptions();
        }
        catch (InvalidOperationException)
        {
            // A value of the wrong type: binding the Mercure options reports it, naming the setting.
            return;
        }

        if (settings.Enabled && !catalog.Feeds.Any(f => string.Equals(f.Name, settings.Feed, StringComparison.OrdinalIgnoreCase)))
        {
            catalog.Feeds.Add(Definition(settings));
        }
    }

    private static FeedDefinition Definition(MercureOptions settings) => new()
    {
        Name = settings.Feed,
        Kind = FeedKind.Mercure,
        Description = "The Mercure hub's updates, read and written only through /.well-known/mercure.",
        HistoryLength = settings.HistoryLength,
        HistoryMaxBytes = settings.HistoryMaxBytes,
        MaxItemBytes = settings.MaxUpdateBytes,
        // A subscriber's allowance counts every update of the hub, also those of topics it does not select.
        SubscriberBuffer = settings.SubscriberBuffer,
    };
}
