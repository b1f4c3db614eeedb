namespace Tributary.App.Feeds;

/// <summary>The <c>Feeds</c> list of appsettings.json.</summary>
public sealed class FeedCatalogOptions
{
    public const string Section = "Feeds";

    public List<FeedDefinition> Feeds { get; set; } = [];
}
