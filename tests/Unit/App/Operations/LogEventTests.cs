using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tributary.App.Feeds.Diagnostics;
using Tributary.Tests.Hosting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Operations;

public sealed class LogEventTests
{
    [Fact]
    public async Task Every_stream_logs_its_opening_and_its_closing_with_the_reason()
    {
        var token = TestTimeouts.TestToken();
        var logs = new CollectingLoggerProvider();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(("Logging:LogLevel:Tributary.Streams", "Debug")), builder => builder.Logging.AddProvider(logs));
        var stats = app.Services.GetRequiredService<StreamStats>();
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using (var completed = await client.OpenStreamAsync("/api/stream?feeds=fast&limit=3", token))
        {
            await completed.Content.ReadAsStringAsync(token);
        }

        using (var failed = await client.OpenStreamAsync("/api/stream?feeds=broken", token))
        {
            await failed.Content.ReadAsStringAsync(token);
        }

        var left = await client.OpenStreamAsync("/api/stream?feeds=idle", token);
        await (await left.BodyReaderAsync(token)).ReadLineOrThrowAsync(token);
        left.Dispose();
        await stats.ActiveStreams.WaitForAsync(0, token);

        var opened = logs.Lines.Where(l => l.StartsWith("Tributary.Streams: Stream opened", StringComparison.Ordinal)).ToList();
        var closed = logs.Lines.Where(l => l.StartsWith("Tributary.Streams: Stream closed", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, logs.Entries.Count(e => e.Id.Id == 701 && e.Id.Name == "StreamOpened"));
        Assert.Equal(3, logs.Entries.Count(e => e.Id.Id == 702 && e.Id.Name == "StreamClosed"));
        Assert.Contains(opened, l => l.Contains("on /api/stream for address:127.0.0.1: fast.", StringComparison.Ordinal));
        Assert.Contains(closed, l => l.Contains("after 3 items", StringComparison.Ordinal) && l.Contains(": completed.", StringComparison.Ordinal));
        Assert.Contains(closed, l => l.Contains(": failed.", StringComparison.Ordinal));
        Assert.Contains(closed, l => l.Contains(": client-left.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_stream_that_ends_without_a_named_reason_and_without_its_client_leaving_is_logged_as_failed()
    {
        var logs = new CollectingLoggerProvider();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var stats = new StreamStats(loggers: loggers);

        // An exception on its way out: nobody called End.
        stats.BeginStream("/api/export", "address:127.0.0.1").Dispose();

        Assert.Contains(logs.Lines, l => l.Contains("Stream closed on /api/export", StringComparison.Ordinal) && l.Contains(": failed.", StringComparison.Ordinal));
        Assert.Equal(0, stats.ActiveStreams.Current);
    }

    [Fact]
    public async Task A_hub_stream_logs_its_closing_with_the_reason()
    {
        var token = TestTimeouts.TestToken();
        var logs = new CollectingLoggerProvider();
        await using var app = await LoopbackApp.StartAsync(StreamApiFixture.TestSettings(), builder => builder.Logging.AddProvider(logs));
        var stats = app.Services.GetRequiredService<StreamStats>();
        await using var hub = Tributary.App.Dashboard.Client.FeedHubConnection.Build(new Uri(app.BaseAddress, Tributary.App.Hubs.FeedHub.Path));
        await hub.StartAsync(token);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(token);
        await foreach (var item in hub.StreamAsync<JsonElement>("Stream", new[] { "idle" }, cancel.Token))
        {
            await cancel.CancelAsync();
            break;
        }

        await stats.ActiveStreams.WaitForAsync(0, token);

        Assert.Contains(logs.Lines, l => l.StartsWith("Tributary.Streams: Stream closed on /hubs/feeds", StringComparison.Ordinal) && l.Contains(": client-left.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_console_logging_is_chosen_by_configuration_and_carries_the_event_ids()
    {
        var token = TestTimeouts.TestToken();
        using var app = StartAppProcess(("Logging__Console__FormatterName", "json"));
        try
        {
            var closed = await StreamTwoItemsAsync(app, token);

            Assert.Equal("Tributary.Streams", closed.GetProperty("Category").GetString());
            Assert.Equal("Information", closed.GetProperty("LogLevel").GetString());
            Assert.Equal("completed", closed.GetProperty("State").GetProperty("Reason").GetString());
            Assert.Equal(2, closed.GetProperty("State").GetProperty("Items").GetInt64());
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Json_console_lines_carry_the_streams_trace_context_when_tracing_is_on()
    {
        var token = TestTimeouts.TestToken();
        await using var receiver = await OtlpReceiver.StartAsync();
        using var app = StartAppProcess([("Logging__Console__FormatterName", "json"), .. receiver.Settings]);
        try
        {
            var closed = await StreamTwoItemsAsync(app, token);
            // Stopped as an operator's service manager stops it, so it sends the spans it holds.
            using (var terminate = Process.Start("kill", ["-TERM", app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await terminate.WaitForExitAsync(token);
            }

            await app.WaitForExitAsync(token);

            var trace = Assert.Single(closed.GetProperty("Scopes").EnumerateArray(), scope => scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("TraceId", out _));
            var stream = Assert.Single(receiver.Spans(), s => s.Name == "stream /api/stream");
            // The line is written inside the stream's own span, not merely its request's.
            Assert.Equal(stream.TraceId, trace.GetProperty("TraceId").GetString());
            Assert.Equal(stream.SpanId, trace.GetProperty("SpanId").GetString());
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync(CancellationToken.None);
        }
    }

    // Waits for the app to say where it listens, reads a stream of two counter items from it, and returns the JSON
    // line that says the stream closed.
    private static async Task<JsonElement> StreamTwoItemsAsync(Process app, CancellationToken cancellationToken)
    {
        var lines = new List<JsonElement>();
        var address = await ReadUntilAsync(app, lines, line => line.GetProperty("EventId").GetInt32() == 14 && line.GetProperty("Category").GetString() == "Microsoft.Hosting.Lifetime", cancellationToken);
        var url = address.GetProperty("State").GetProperty("address").GetString()!;
        using (var client = new HttpClient { BaseAddress = new Uri(url) })
        {
            await client.GetStringAsync(new Uri("/api/stream?feeds=counter&limit=2&rate=0", UriKind.Relative), cancellationToken);
        }

        return await ReadUntilAsync(app, lines, line => line.GetProperty("EventId").GetInt32() == 702, cancellationToken);
    }

    // The published app as an operator runs it: its own process, its console, settings from the environment.
    private static Process StartAppProcess(params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Tributary.App"), "--urls http://127.0.0.1:0")
        {
            WorkingDirectory = Path.Combine(RepositoryRoot.Find(), "src", "App"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The app did not start.");
    }

    private static async Task<JsonElement> ReadUntilAsync(Process app, List<JsonElement> lines, Func<JsonElement, bool> wanted, CancellationToken cancellationToken)
    {
        while (await app.StandardOutput.ReadLineAsync(cancellationToken) is { } text)
        {
            // Every line is one JSON object: a line that is not fails the test here.
            var line = JsonDocument.Parse(text).RootElement;
            lines.Add(line);
            if (wanted(line))
            {
                return line;
            }
        }

        throw new EndOfStreamException($"The app's output ended: {await app.StandardError.ReadToEndAsync(cancellationToken)}");
    }
}
