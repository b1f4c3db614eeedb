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

    /// <summary>As <see cref="Compose(FeedDefinition, string)"/>, with the source worked out once.</summary>
    public static string Compose(string source, string position) => $"{source}|{position}";

    /// <summary>The position within the source, when <paramref name="kept"/> belongs to the feed's source as configured now.</summary>
    public static string? Read(FeedDefinition feed, string? kept)
    {
        // Positions have no '|', names may: the position is what follows the last one.
        var split = kept?.LastIndexOf('|') ?? -1;
        return split > 0 && split < kept!.Length - 1 && kept.AsSpan(0, split).SequenceEqual(Source(feed)) ? kept[(split + 1)..] : null;
    }

    /// <summary>What a kept position of <paramref name="feed"/> starts with.</summary>
    public static string Source(FeedDefinition feed)
    {
        var endpoint = BrokerEndpoint.For(feed);
        var within = feed.Kind == FeedKind.Mqtt ? MqttUpstream.ClientId(feed) : feed.Stream;
        return $"{feed.Kind}|{endpoint.Host}:{endpoint.Port}|{within}";
    }
}
