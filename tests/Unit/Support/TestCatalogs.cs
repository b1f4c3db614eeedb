using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Upstream;

namespace Tributary.Tests.Unit.Support;

/// <summary>Feed catalogs built outside the app, for tests of feeds on their own.</summary>
internal static class TestCatalogs
{
    public static FeedCatalog Create(StreamStats stats, params FeedDefinition[] feeds) =>
        Create(stats, NullLoggerFactory.Instance, feeds);

    public static FeedCatalog Create(StreamStats stats, ILoggerFactory loggers, params FeedDefinition[] feeds) =>
        new(Options.Create(new FeedCatalogOptions { Feeds = [.. feeds] }), stats, TimeProvider.System, new UpstreamHttpClients(), loggers);

    // The app's own upstream handler (no automatic redirects), as AddFeeds registers it.
    private sealed class UpstreamHttpClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(UpstreamHttp.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
