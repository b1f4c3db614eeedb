namespace Tributary.App.Streams;

public static class StreamServices
{
    /// <summary>The one place every entry point admits, watches and ends its streams.</summary>
    public static IServiceCollection AddStreamGate(this IServiceCollection services)
    {
        services.AddSingleton<StreamGate>();
        return services;
    }
}
