using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.App.Dashboard.Client;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Dashboard.Client;

public sealed class HubFeedClientTests
{
    [Fact]
    public async Task The_stats_poll_writes_no_log_lines_even_at_Information()
    {
        // Every open tab polls /api/stats every 2 s; HttpClient's own request logs would be four lines each time.
        var logs = new CollectingLoggerProvider();
        var token = TestTimeouts.TestToken();
        await using var app = await LoopbackApp.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
            builder => builder.Logging.AddProvider(logs), token);
        await using var scope = app.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IFeedClient>();

        var stats = await client.GetServerStatsAsync(token);

        Assert.NotNull(stats);
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
    }
}
