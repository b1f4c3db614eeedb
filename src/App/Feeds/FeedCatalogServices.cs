using Microsoft.Extensions.Options;
using Tributary.App.Diagnostics;
using Tributary.App.Feeds.Sharing;

namespace Tributary.App.Feeds;

public static class FeedCatalogServices
{
    /// <summary>Binds the <c>Feeds</c> list and checks it when the app starts.</summary>
    public static IServiceCollection AddFeedCatalog(this IServiceCollection services)
    {
        services.AddOptions<FeedCatalogOptions>()
            .Configure<IConfiguration>((options, configuration) =>
                options.Feeds = configuration.GetSection(FeedCatalogOptions.Section).Get<List<FeedDefinition>>() ?? [])
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeedCatalogOptions>, FeedCatalogValidator>();
        services.AddSingleton<StreamStats>();
        services.AddSingleton(TimeProvider.System);
        services.AddHttpClient(FeedCatalog.UpstreamHttpClient, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<FeedCatalog>();
        services.AddSingleton<SharedFeedHost>();
        services.AddHostedService(provider => provider.GetRequiredService<SharedFeedHost>());
        services.AddSingleton<FeedStreams>();
        return services;
    }
}
