using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;

namespace Tributary.Tests.Unit.Support;

/// <summary>Feed catalogs built outside the app, for tests of feeds on their own.</summary>
internal static class TestCatalogs
{
    public static FeedCatalog Create(StreamStats stats, params FeedDefinition[] feeds) =>
        new(Options.Create(new FeedCatalogOptions { Feeds = [.. feeds] }), stats, TimeProvider.System, new PlainHttpClients());

    private sealed class PlainHttpClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new() { Timeout = Timeout.InfiniteTimeSpan };
    }
}
