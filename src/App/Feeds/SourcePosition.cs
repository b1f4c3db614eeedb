using Tributary.App.Feeds.Upstream;

namespace Tributary.App.Feeds;

/// <summary>
/// A kept source position names the source it belongs to (<c>nats|host:port|ORDERS|1234</c>), so a feed whose settings
/// now point elsewhere (another kind, server, stream or client id) starts from its <c>Start</c> instead of reading a
/// position that means nothing there, and its readers are told of the change as of any producer change.
/// </summary>
internal static class SourcePosition
{
    /// <summary>The position as engines keep it.</summary>
    public static string Compose(FeedDefinition feed, string position) => $"{Source(feed)}|{position}";

    /// <summary>The position within the source, when <paramref name="kept"/> belongs to the feed's source as configured now.</summary>
    public static string? Read(FeedDefinition feed, string? kept)
    {
        var source = Source(feed);
        return kept is not null && kept.Length > source.Length + 1 && kept.StartsWith(source, StringComparison.Ordinal) && kept[source.Length] == '|'
            ? kept[(source.Length + 1)..]
            : null;
    }

    private static string Source(FeedDefinition feed)
    {
        var endpoint = BrokerEndpoint.For(feed);
        var within = feed.Kind == FeedKind.Mqtt ? MqttUpstream.ClientId(feed) : feed.Stream;
        return $"{feed.Kind}|{endpoint.Host}:{endpoint.Port}|{within}";
    }
}
