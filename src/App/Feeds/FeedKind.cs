namespace Tributary.App.Feeds;

/// <summary>The built-in feed kinds, as written in the catalog's <c>Kind</c> field.</summary>
public static class FeedKind
{
    public const string Ticker = "ticker";
    public const string Weather = "weather";
    public const string News = "news";
    public const string System = "system";
    public const string Counter = "counter";

    public static readonly IReadOnlyList<string> All = [Ticker, Weather, News, System, Counter];
}
