using System.Text.Json;

namespace Tributary.App.Feeds.Upstream;

/// <summary>Turns an upstream message into item data: parsed JSON when it is JSON, else the text itself.</summary>
internal static class UpstreamPayload
{
    public static object FromText(string text) => TryParseJson(text, out var json) ? json : text;

    public static bool TryParseJson(string text, out JsonElement json)
    {
        json = default;
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] is not ('{' or '[' or '"') && !char.IsDigit(trimmed[0]) && trimmed[0] is not ('-' or 't' or 'f' or 'n'))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            json = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
