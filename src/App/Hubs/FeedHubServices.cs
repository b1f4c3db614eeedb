using Microsoft.AspNetCore.SignalR;

namespace Tributary.App.Hubs;

public static class FeedHubServices
{
    /// <summary>Bytes one incoming hub message may have. Hub requests are a few feed names, so 32 KB is plenty.</summary>
    public const long MaximumReceiveMessageSize = 32 * 1024;

    /// <summary>
    /// Invocations one client may run at once. Streams do not hold a slot once they have started, so a
    /// connection can run many streams; this only bounds simultaneous calls such as Catalog().
    /// </summary>
    public const int MaximumParallelInvocationsPerClient = 4;

    /// <summary>Items buffered per client-to-server stream (the hub takes none, so keep it small).</summary>
    public const int StreamBufferCapacity = 10;

    /// <summary>The log category of SignalR's hub dispatcher.</summary>
    public const string DispatcherLogCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public static IServiceCollection AddFeedHub(this IServiceCollection services)
    {
        // SignalR's dispatcher would log every stream and call failure again at Error; FeedHubLog and
        // FeedHubFilter log each once, at its level (see FeedHubLog).
        services.AddSingleton<HubShutdownDrain>();
        // After configuration is applied, and only if it says nothing of that category: an operator's own rule
        // (Logging:LogLevel for it, to see the dispatcher's Debug diagnostics, say) wins.
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            if (!options.Rules.Any(rule => string.Equals(rule.CategoryName, DispatcherLogCategory, StringComparison.Ordinal)))
            {
                options.AddFilter(DispatcherLogCategory, LogLevel.Critical);
            }
        });
        services.AddSignalR(options =>
        {
            options.AddFilter<FeedHubFilter>();
            options.MaximumReceiveMessageSize = MaximumReceiveMessageSize;
            options.MaximumParallelInvocationsPerClient = MaximumParallelInvocationsPerClient;
            options.StreamBufferCapacity = StreamBufferCapacity;
        }).AddJsonProtocol().AddMessagePackProtocol();
        // The feed-item converter counts the bytes it writes into the hub's endpoint counters.
        services.AddOptions<JsonHubProtocolOptions>().Configure<Feeds.Diagnostics.StreamStats>((json, stats) =>
        {
            // Compile-time serializers for feed items first; reflection after them for everything else (hub
            // arguments, for one). An empty chain meant "reflection", so once it has an entry it needs both.
            json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, Feeds.FeedJsonContext.Default);
            json.PayloadSerializerOptions.TypeInfoResolverChain.Add(new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
            json.PayloadSerializerOptions.Converters.Add(new FeedItemJsonConverter(stats.BytesCounterOf(FeedHub.Path)));
        });
        services.AddOptions<MessagePackHubProtocolOptions>().Configure<Feeds.Diagnostics.StreamStats>((messagePack, stats) =>
            messagePack.SerializerOptions = FeedHubMessagePack.ServerOptions(stats.BytesCounterOf(FeedHub.Path)));
        return services;
    }

    public static IEndpointRouteBuilder MapFeedHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<FeedHub>(FeedHub.Path);
        return app;
    }
}
