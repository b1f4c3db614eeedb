namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// The <c>Sharing</c> section of appsettings.json: which engine shared feeds live in. Each engine's own settings
/// are in a section of their own (<c>Sharing:Postgres</c>).
/// </summary>
public sealed class SharingOptions
{
    public const string Section = "Sharing";

    /// <summary>The connection string's name under <c>ConnectionStrings</c> for the PostgreSQL engine.</summary>
    public const string ConnectionStringName = "Tributary";

    /// <summary><c>Memory</c> (default) or <c>Postgres</c>.</summary>
    public FeedEngineKind Engine { get; set; } = FeedEngineKind.Memory;
}
