using System.Text.Json;

namespace Tributary.Streaming.Formatting;

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

    public JsonEncodedText Get(string name)
    {
        if (_names.TryGetValue(name, out var encoded))
        {
            return encoded;
        }

        encoded = JsonEncodedText.Encode(name);
        if (_names.Count < MaxEntries)
        {
            _names[name] = encoded;
        }

        return encoded;
    }
}
