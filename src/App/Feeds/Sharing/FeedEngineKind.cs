namespace Tributary.App.Feeds.Sharing;

/// <summary>Where shared feeds live (<c>Sharing:Engine</c>).</summary>
public enum FeedEngineKind
{
    /// <summary>In this process: no set-up, history lasts as long as the process.</summary>
    Memory,

    /// <summary>In PostgreSQL (<c>ConnectionStrings:Tributary</c>): one producer per feed across instances, durable history.</summary>
    Postgres,
}
