using System.Text.Json;
using Tributary.App.Feeds.Publishing;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>A publish's answer as the engine keeps it for retries with the same <c>Idempotency-Key</c>: a compact JSON array.</summary>
internal static class PublishAnswer
{
    public static string Write(PublishOutcome outcome)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in outcome.Items)
            {
                json.WriteStartArray();
                json.WriteNumberValue(item.Sequence);
                json.WriteStringValue(item.Epoch);
                json.WriteStringValue(item.Id);
                json.WriteBooleanValue(item.Duplicate);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static PublishOutcome Read(string answer)
    {
        using var document = JsonDocument.Parse(answer);
        var items = document.RootElement.EnumerateArray()
            .Select(i => new PublishedItem(i[0].GetInt64(), i[1].GetString()!, i[2].GetString(), i[3].GetBoolean()))
            .ToList();
        return new PublishOutcome(items, Replayed: false);
    }
}
