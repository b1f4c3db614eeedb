using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Sharing.Postgres;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Operations;

/// <summary>Credentials an operator configures never reach a log line, at any level, from the app or the framework.</summary>
public sealed class LogSecretsTests
{
    [Fact]
    public async Task An_upstreams_credentials_and_query_are_never_logged()
    {
        var token = TestTimeouts.TestToken();
        var logs = new CollectingLoggerProvider();
        await using var app = await LoopbackApp.StartAsync(
            StreamApiFixture.TestSettings(
                ("Logging:LogLevel:Default", "Trace"),
                ("Feeds:104:Name", "guarded"),
                ("Feeds:104:Kind", "ndjson"),
                ("Feeds:104:Url", $"http://reader:pa55-upstream@127.0.0.1:{LoopbackPort.Free()}/feed?token=t0k3n-upstream"),
                ("Feeds:104:ReconnectMinDelay", "00:00:00.010"),
                ("Feeds:104:ReconnectMaxDelay", "00:00:00.020")),
            builder => builder.Logging.AddProvider(logs));
        var stats = app.Services.GetRequiredService<StreamStats>();
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        // Two failed attempts logged (301, then 302): the feed's own events, and the HTTP client's, have been written twice.
        var stream = await client.OpenStreamAsync("/api/stream?feeds=guarded", token);
        await logs.WaitForAsync(id => id.Id is 301 or 302, 2, token);
        stream.Dispose();
        await stats.ActiveStreams.WaitForAsync(0, token);

        Assert.Contains(logs.Entries, e => e.Id.Id == 301);
        Assert.Contains(logs.Lines, l => l.Contains("127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("pa55-upstream", StringComparison.Ordinal) || l.Contains("t0k3n-upstream", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_database_password_is_never_logged_nor_put_in_the_start_up_error()
    {
        var token = TestTimeouts.TestToken();
        var logs = new CollectingLoggerProvider();
        var start = LoopbackApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Trace",
                ["Sharing:Engine"] = "Postgres",
                // Long enough for one retry (and its log line) even when start-up is slow on a loaded machine.
                ["Sharing:Postgres:StartupWait"] = "00:00:02",
                ["ConnectionStrings:Tributary"] = $"Host=127.0.0.1;Port={LoopbackPort.Free()};Username=tributary;Password=pg-s3cret-pw;Timeout=1",
            },
            builder => builder.Logging.AddProvider(logs),
            token);

        var failure = await Assert.ThrowsAsync<FeedEngineUnavailableException>(() => start);

        Assert.Contains(logs.Entries, e => e.Id.Id == 406);
        Assert.DoesNotContain("pg-s3cret-pw", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("pg-s3cret-pw", StringComparison.Ordinal));
    }
}
