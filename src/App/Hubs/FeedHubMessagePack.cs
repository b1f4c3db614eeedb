using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Tributary.App.Feeds;

namespace Tributary.App.Hubs;

/// <summary>
/// The feed hub's MessagePack serializer settings, for the server and for .NET clients. Payloads have the JSON
/// protocol's names and shapes: feed items through <see cref="FeedItemMessagePackFormatter"/> on the server; every
/// other type (hub arguments, the catalog, a client's own record types) through its System.Text.Json contract,
/// converted value for value (<see cref="JsonBridgeResolver"/>). Primitives and collections keep MessagePack's own
/// formatters.
/// </summary>
public static class FeedHubMessagePack
{
    // The feed data's contracts, with the JSON protocol's strictness for arguments: a number is not read from a string.
    private static readonly JsonSerializerOptions BridgeJson = new(FeedJson.Options) { NumberHandling = JsonNumberHandling.Strict };

    /// <summary>For .NET clients: read stream items into <c>FeedRecord</c>, <c>JsonElement</c> or a type of your own, as with JSON.</summary>
    public static MessagePackSerializerOptions ClientOptions { get; } = Options([]);

    /// <summary>The server's settings; <paramref name="countBytes"/> is told the size of every item written.</summary>
    internal static MessagePackSerializerOptions ServerOptions(Action<long>? countBytes) =>
        Options([new FeedItemMessagePackFormatter(countBytes)]);

    private static MessagePackSerializerOptions Options(IMessagePackFormatter[] formatters) =>
        MessagePackSerializerOptions.Standard
            .WithResolver(CompositeResolver.Create(
                formatters,
                [BuiltinResolver.Instance, DynamicGenericResolver.Instance, new JsonBridgeResolver(BridgeJson)]))
            .WithSecurity(MessagePackSecurity.UntrustedData);
}
