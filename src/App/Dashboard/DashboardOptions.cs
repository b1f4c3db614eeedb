namespace Tributary.App.Dashboard;

/// <summary>The <c>Dashboard</c> section of appsettings.json.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// Where the dashboard's hub connection and stats requests go, e.g. <c>http://feeds.internal:5000</c>.
    /// Empty (the default) means this app's own address.
    /// </summary>
    public string? FeedServerUrl { get; set; }

    /// <summary>
    /// The address users reach this server at, e.g. <c>https://feeds.example.com</c>, for the commands the Raw
    /// stream page suggests. Empty (the default): the feed server's address. Never taken from a request's
    /// <c>Host</c> header, which the client controls.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// How long a circuit whose browser connection dropped is kept for it to reconnect, before it is
    /// disposed along with its hub connection and streams. A closed tab is disposed at once. Default 30 s.
    /// </summary>
    public TimeSpan DisconnectedCircuitRetention { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The shortest time between two renders of the live view (default 100 ms: at most 10 per second, which still
    /// reads as live and costs the browser about a third less than 20 per second; docs/PERFORMANCE.md).
    /// </summary>
    public TimeSpan RenderInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many items the timeline keeps (default 500).</summary>
    public int TimelineCapacity { get; set; } = 500;

    /// <summary>
    /// How many of each shared feed's newest items Start shows first, from the history the server keeps, marked as
    /// history (default 100; 0 starts with live items only). A tab that reloads resumes exactly where it was instead.
    /// </summary>
    public int HistoryOnStart { get; set; } = 100;

    /// <summary>The feeds selected when the dashboard first opens.</summary>
    public List<string> DefaultFeeds { get; set; } = ["news", "weather", "ticker", "system"];
}
