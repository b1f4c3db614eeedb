using System.Text.Json;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Endpoints;

public sealed class StreamTailTests(StreamApiFixture fixture) : IClassFixture<StreamApiFixture>
{
    [Fact]
    public async Task A_tail_begins_with_the_newest_items_in_history_then_goes_on_with_the_next_numbers()
    {
        using var client = fixture.NewClient();
        var token = TestTimeouts.TestToken();
        // Someone watched the shared ticker: it has history.
        var watched = await ReadAsync(client, "feeds=ticker&limit=6", token);

        var tail = await ReadAsync(client, "feeds=ticker&tail=4&limit=6", token);

        var seen = watched.Max();
        Assert.True(tail[0] <= seen, $"the tail began at #{tail[0]}, after everything already seen (#{seen}): it replayed no history");
        Assert.Equal(Enumerable.Range(0, 6).Select(i => tail[0] + i), tail);
    }

    private static async Task<long[]> ReadAsync(HttpClient client, string query, CancellationToken cancellationToken)
    {
        var body = await client.GetStringAsync(new Uri("/api/stream?" + query, UriKind.Relative), cancellationToken);
        return [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(record => !record.TryGetProperty("type", out _))
            .Select(record => record.GetProperty("seq").GetInt64())];
    }
}
