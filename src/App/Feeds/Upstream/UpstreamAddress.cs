namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// How an upstream is named where readers can see it: scheme, host, port and path, never the user info or
/// query that may carry credentials (<c>http://user:secret@host/?apikey=...</c>); a file by its name only; a
/// message system by its server and what the feed reads from it.
/// </summary>
internal static class UpstreamAddress
{
    public static string Display(FeedDefinition feed) => feed.Kind switch
    {
        FeedKind.File => Path.GetFileName(feed.Path ?? ""),
        FeedKind.Nats or FeedKind.Mqtt or FeedKind.Redis => $"{BrokerEndpoint.For(feed)} {Reads(feed)}",
        _ => Display(new Uri(feed.Url!)),
    };

    public static string Display(Uri uri) =>
        uri.IsAbsoluteUri ? $"{uri.Scheme}://{HostAndPort(uri)}{uri.AbsolutePath}" : "(a relative address)";

    public static string HostAndPort(Uri uri) => $"{uri.IdnHost}:{uri.Port}";

    private static string Reads(FeedDefinition feed) => feed.Kind switch
    {
        FeedKind.Nats when feed.Stream is { } stream => $"(stream {stream}, subject {feed.Subject})",
        FeedKind.Nats => $"(subject {feed.Subject})",
        FeedKind.Mqtt => $"(topic {feed.Topic})",
        _ when feed.Stream is { } stream => $"(stream {stream})",
        _ => $"(channel {feed.Channel})",
    };
}
