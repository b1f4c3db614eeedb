using System.Text.Json;

namespace Tributary.Streaming.Internal;

/// <summary>
/// Feed names, encoded for JSON once. A stream carries a handful of feeds, and encoding the same name for
/// every record (transcoding it to UTF-8 and checking it for characters to escape) was a visible share of
/// the per-item cost.
/// </summary>
internal sealed class JsonNameCache
{
    // Bounds memory if a source ever produced unbounded distinct names; past it, names are encoded each time.
    private const int MaxEntries = 256;

    private readonly Dictionary<string, JsonEncodedText> _names = new(StringComparer.Ordinal);

    // Items of one feed arrive in runs, with the same name instance: most look-ups are the one before.
    private string? _lastName;
    private JsonEncodedText _lastEncoded;

    public JsonEncodedText Get(string name)
    {
        if (ReferenceEquals(name, _lastName))
        {
            return _lastEncoded;
        }

        if (!_names.TryGetValue(name, out var encoded))
        {
            encoded = Add(name);
        }

        (_lastName, _lastEncoded) = (name, encoded);
        return encoded;
    }

    private JsonEncodedText Add(string name)
    {
        var encoded = JsonEncodedText.Encode(name);
        if (_names.Count < MaxEntries)
        {
            _names[name] = encoded;
        }

        return encoded;
    }
}
