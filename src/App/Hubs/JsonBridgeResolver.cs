using System.Collections.Concurrent;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;

namespace Tributary.App.Hubs;

/// <summary>Gives every type it is asked for a <see cref="JsonBridgeFormatter{T}"/>: the last resolver of the chain.</summary>
internal sealed class JsonBridgeResolver(JsonSerializerOptions json) : IFormatterResolver
{
    private readonly ConcurrentDictionary<Type, object> _formatters = new();

    public IMessagePackFormatter<T>? GetFormatter<T>() =>
        (IMessagePackFormatter<T>)_formatters.GetOrAdd(typeof(T), static (_, options) => new JsonBridgeFormatter<T>(options), json);
}
