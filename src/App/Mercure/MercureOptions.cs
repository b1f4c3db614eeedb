namespace Tributary.App.Mercure;

/// <summary>
/// The <c>Mercure</c> section: the Mercure-compatible hub at <c>/.well-known/mercure</c>, whose updates are the items of
/// a shared feed of kind <c>mercure</c> that the hub adds to the catalog, so history, resume and the PostgreSQL engine's
/// failover apply.
/// </summary>
public sealed class MercureOptions
{
    public const string Section = "Mercure";

    /// <summary>The name of the feed the hub adds to the catalog for its updates; empty turns the hub off. Default <c>mercure</c>.</summary>
    public string Feed { get; set; } = "mercure";

    /// <summary>How many updates the hub's feed keeps for subscribers resuming. Default 10,000.</summary>
    public int HistoryLength { get; set; } = 10_000;

    /// <summary>The most bytes of updates the hub's feed keeps (the oldest go first). Default 16 MiB.</summary>
    public long HistoryMaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// How many of the hub's updates (of every topic) a subscriber may fall behind before its response ends, so its
    /// EventSource reconnects and resumes from history. Default 1,024.
    /// </summary>
    public int SubscriberBuffer { get; set; } = 1024;

    /// <summary>The largest update, in bytes as kept (its topics, data and fields). Default 1 MiB.</summary>
    public int MaxUpdateBytes { get; set; } = 1024 * 1024;

    /// <summary>The key that verifies publishers' tokens: the shared secret (HS256) or a PEM public key (RS256). Empty: nobody may publish.</summary>
    public string PublisherJwtKey { get; set; } = "";

    /// <summary><c>HS256</c> (default) or <c>RS256</c>.</summary>
    public string PublisherJwtAlgorithm { get; set; } = MercureAlgorithms.Hs256;

    /// <summary>The key that verifies subscribers' tokens, as <see cref="PublisherJwtKey"/>. Empty: only anonymous subscribers, if allowed.</summary>
    public string SubscriberJwtKey { get; set; } = "";

    /// <summary><c>HS256</c> (default) or <c>RS256</c>.</summary>
    public string SubscriberJwtAlgorithm { get; set; } = MercureAlgorithms.Hs256;

    /// <summary>Whether subscribers without a token are served (public updates only). Default false.</summary>
    public bool Anonymous { get; set; }

    /// <summary>
    /// Origins of the pages that may use the hub from a browser (CORS, with credentials, so the
    /// <c>mercureAuthorization</c> cookie is sent); a publish authorized by that cookie must come from one of them.
    /// </summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>How often an idle subscription gets a comment line, so proxies and clients know it is alive. Default 40 s.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>The cookie a browser's token comes in. Default <c>mercureAuthorization</c>.</summary>
    public string CookieName { get; set; } = "mercureAuthorization";

    /// <summary>Whether the hub is on.</summary>
    public bool Enabled => Feed.Length > 0;
}
