using System.Net.Http.Json;
using System.Text.Json;

namespace Tributary.Load;

internal static class StatsClient
{
    public static async Task<(long Streams, long Producers)> ReadAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var stats = await http.GetFromJsonAsync<JsonElement>("/api/stats", cancellationToken);
        return (stats.GetProperty("activeStreams").GetInt64(), stats.GetProperty("activeProducers").GetInt64());
    }

    public static async Task<bool> WaitForIdleAsync(HttpClient http, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            if (await ReadAsync(http, cancellationToken) == (0, 0))
            {
                return true;
            }

            await Task.Delay(20, cancellationToken);
        }

        return false;
    }
}
