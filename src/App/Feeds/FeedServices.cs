using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Feeds.Sharing;
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
                options.Feeds = configuration.GetSection(FeedCatalogOptions.Section).Get<List<FeedDefinition>>() ?? [])
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
        services.AddSingleton<ClientStreamLimiter>();
        services.AddSingleton<SharedFeedHost>();
        services.AddHostedService(provider => provider.GetRequiredService<SharedFeedHost>());
        services.AddSingleton<MergedStreams>();
        return services;
    }
}
