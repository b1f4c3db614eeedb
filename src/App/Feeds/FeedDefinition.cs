namespace Tributary.App.Feeds;

/// <summary>One entry of the <c>Feeds</c> list in appsettings.json.</summary>
public sealed class FeedDefinition
{
    /// <summary>The name clients ask for: lowercase letters, digits, '-' and '_', up to 32 characters.</summary>
    public string Name { get; set; } = "";

    /// <summary>One of <see cref="FeedKind.All"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Shown in <c>GET /api/feeds</c> and on the dashboard.</summary>
    public string Description { get; set; } = "";

    /// <summary>Items per second. Every kind but <c>counter</c> needs more than 0; for <c>counter</c>, 0 means as fast as possible.</summary>
    public double Rate { get; set; } = 1;

    /// <summary><c>ticker</c> only: the symbols to quote, e.g. <c>["ACME", "GLOBX"]</c>.</summary>
    public List<string> Symbols { get; set; } = [];

    /// <summary><c>weather</c> only: the station names.</summary>
    public List<string> Stations { get; set; } = [];

    /// <summary><c>news</c> only: headlines to cycle through; empty means generated ones.</summary>
    public List<string> Headlines { get; set; } = [];

    /// <summary><c>counter</c> only: how many items before the feed ends; 0 means unlimited.</summary>
    public long Count { get; set; }

    /// <summary><c>counter</c> only: the highest <c>rate</c> a request may ask for.</summary>
    public double MaxRate { get; set; } = 10_000;

    /// <summary><c>counter</c> only: the highest <c>count</c> a request may ask for (0 = unlimited is always allowed up to this bound).</summary>
    public long MaxCount { get; set; } = 10_000_000;

    /// <summary><c>counter</c> only: fail after this many items (0 = never). For exercising error handling.</summary>
    public long FailAfter { get; set; }

    public bool IsCounter => string.Equals(Kind, FeedKind.Counter, StringComparison.Ordinal);
}
