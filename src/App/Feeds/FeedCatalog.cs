using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Kinds;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Upstream;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Feeds;

/// <summary>The configured feeds, and how to read one.</summary>
public sealed class FeedCatalog(IOptions<FeedCatalogOptions> options, StreamStats stats, TimeProvider timeProvider, IHttpClientFactory httpClients, ILoggerFactory loggers)
{
    public IReadOnlyList<FeedDefinition> Feeds => options.Value.Feeds;

    public FeedDefinition? Find(string name) =>
        Feeds.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads a feed's data, unnumbered. Its failures surface as <see cref="FeedFailedException"/> naming the feed.</summary>
    /// <param name="feed">The feed.</param>
    /// <param name="overrides">Counter rate and count, if a request set them.</param>
    /// <param name="cancellationToken">Stops the feed (its reader left, or the server is stopping).</param>
    public IAsyncEnumerable<object> ReadAsync(FeedDefinition feed, CounterOverrides overrides, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(overrides);
        var items = NamingFailures(feed.Name, Run(feed, overrides, null, cancellationToken), cancellationToken);
        // Only message systems' items carry positions; every other feed is read with no layer more.
        return feed.IsBroker ? DataOnly(items, cancellationToken) : items;
    }

    /// <summary>
    /// Reads a shared feed's source for an engine that keeps where it is: items whose source has a position come as
    /// <see cref="SourcedItem"/>, to be acknowledged once kept, and the source starts after <paramref name="resumeAfter"/>
    /// (the last kept item's position) when there is one.
    /// </summary>
    internal IAsyncEnumerable<object> ReadFromAsync(FeedDefinition feed, string? resumeAfter, CancellationToken cancellationToken) =>
        NamingFailures(feed.Name, Run(feed, CounterOverrides.None, resumeAfter, cancellationToken), cancellationToken);

    private IAsyncEnumerable<object> Run(FeedDefinition feed, CounterOverrides overrides, string? resumeAfter, CancellationToken token) => feed.Kind switch
    {
        FeedKind.Ticker => TickerFeed.RunAsync(feed, timeProvider, token),
        FeedKind.Weather => WeatherFeed.RunAsync(feed, timeProvider, token),
        FeedKind.News => NewsFeed.RunAsync(feed, timeProvider, token),
        FeedKind.System => SystemFeed.RunAsync(feed, timeProvider, stats, token),
        FeedKind.Counter => CounterFeed.RunAsync(feed, overrides.Rate ?? feed.Rate, overrides.Count ?? feed.Count, timeProvider, token),
        FeedKind.WebSocket => Upstream(feed, WebSocketUpstream.SessionAsync, null, token),
        FeedKind.Sse => Upstream(feed, (connection, ct) => SseUpstream.SessionAsync(connection, Http(), ct), null, token),
        FeedKind.Ndjson => Upstream(feed, (connection, ct) => NdjsonUpstream.SessionAsync(connection, Http(), ct), null, token),
        FeedKind.File => Upstream(feed, (connection, ct) => FileUpstream.SessionAsync(connection, timeProvider, ct), null, token),
        FeedKind.Nats => Upstream(feed, NatsUpstream.SessionAsync, resumeAfter, token),
        FeedKind.Mqtt => Upstream(feed, MqttUpstream.SessionAsync, resumeAfter, token),
        FeedKind.Redis => Upstream(feed, RedisUpstream.SessionAsync, resumeAfter, token),
        // Push feeds have no producer: engines never read them here. The validator admits only the kinds above; reaching
        // this is a bug, not bad input.
        _ => throw new InvalidOperationException($"Feed '{feed.Name}' has unknown kind '{feed.Kind}'."),
    };

    private readonly ILogger _upstreamLogger = loggers.CreateLogger("Tributary.App.Feeds.Upstream");

    private IAsyncEnumerable<object> Upstream(FeedDefinition feed, UpstreamFeed.Session session, string? resumeAfter, CancellationToken token) =>
        UpstreamFeed.RunAsync(feed, session, resumeAfter, stats.SharedFeed(feed.Name), timeProvider, _upstreamLogger, token);

    private HttpClient Http() => httpClients.CreateClient(UpstreamHttp.ClientName);

    // Readers that keep no position (private streams) take each item as soon as it arrives.
    private static async IAsyncEnumerable<object> DataOnly(IAsyncEnumerable<object> source, [EnumeratorCancellation] CancellationToken token)
    {
        await foreach (var item in source.WithCancellation(token))
        {
            if (item is SourcedItem sourced)
            {
                await sourced.AcknowledgeAsync();
                yield return sourced.Data;
            }
            else
            {
                yield return item;
            }
        }
    }

    private static async IAsyncEnumerable<object> NamingFailures(string feed, IAsyncEnumerable<object> source, [EnumeratorCancellation] CancellationToken token)
    {
        await using var items = source.GetAsyncEnumerator(token);
        while (true)
        {
            bool hasItem;
            try
            {
                hasItem = await items.MoveNextAsync();
            }
            catch (Exception failure) when (!failure.IsCancellationOf(token))
            {
                throw new FeedFailedException(feed, failure);
            }

            if (!hasItem)
            {
                yield break;
            }

            yield return items.Current;
        }
    }
}
