using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Sharing.Postgres;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Sharing;
using Tributary.App.Feeds.Sharing.Memory;
using Tributary.App.Feeds.Upstream;

namespace Tributary.App.Feeds;

public static class FeedServices
{
    /// <summary>
    /// The app's core: the feed catalog and the request limits (both checked when the app starts), the request
    /// rules, shared feeds and merged streams that every entry point uses, and the live counters.
    /// </summary>
    public static IServiceCollection AddFeeds(this IServiceCollection services)
    {
        services.AddOptions<FeedCatalogOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                var read = FeedCatalogOptions.Read(configuration);
                options.Feeds = read.Feeds;
                options.ListedCount = read.Feeds.Count;
                options.Unreadable.AddRange(read.Unreadable);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeedCatalogOptions>, FeedCatalogValidator>();
        services.AddOptions<StreamingOptions>().BindConfiguration(StreamingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StreamingOptions>, StreamingOptionsValidator>();
        services.AddSingleton<StreamStats>();
        services.AddSingleton(TimeProvider.System);
        // Upstream streams are long-lived: no overall timeout (a feed's ConnectTimeout and IdleTimeout bound
        // the waits that matter, and cancellation ends them).
        services.AddHttpClient(UpstreamHttp.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(UpstreamHttp.CreateHandler);
        services.AddSingleton<FeedCatalog>();
        services.AddSingleton<FeedRequestRules>();
        services.AddSingleton<StreamLimiter>();
        services.AddOptions<PublishingOptions>().BindConfiguration(PublishingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PublishingOptions>, PublishingOptionsValidator>();
        services.AddSingleton<PublishLimiter>();
        services.AddOptions<SharingOptions>().BindConfiguration(SharingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SharingOptions>, SharingOptionsValidator>();
        services.AddOptions<PostgresEngineOptions>()
            .BindConfiguration(PostgresEngineOptions.FormerSection)
            .BindConfiguration(PostgresEngineOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PostgresEngineOptions>, PostgresEngineOptionsValidator>();
        services.AddSingleton<MemoryFeedEngine>();
        services.AddSingleton<PostgresFeedEngine>();
        services.AddSingleton<IFeedEngine>(provider => provider.GetRequiredService<IOptions<SharingOptions>>().Value.Engine == FeedEngineKind.Postgres
            ? provider.GetRequiredService<PostgresFeedEngine>()
            : provider.GetRequiredService<MemoryFeedEngine>());
        services.AddSingleton<IHostedService>(provider => (IHostedService)provider.GetRequiredService<IFeedEngine>());
        services.AddSingleton<MergedStreams>();
        return services;
    }

    /// <summary>
    /// Gets the configured engine ready before the app serves anything (the PostgreSQL engine migrates its
    /// schema and starts listening), so a database that cannot be reached stops start-up with one clear line.
    /// </summary>
    public static async Task PrepareEngineAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        await services.GetRequiredService<IFeedEngine>().EnsureReadyAsync(cancellationToken);
    }
}
