using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tributary.Tests.Hosting;

namespace Tributary.Tests.Unit.Support;

/// <summary>
/// The app as a process of its own (the build's <c>Tributary.App</c> next to the tests, src/App as its content root) on
/// a free loopback port, for tests that must end an instance as a crash does: <see cref="Kill"/> is SIGKILL, so the
/// kernel closes its sockets (database, brokers) and nothing of its own shutdown runs.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the process wrote, for a failing test's message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Tributary.App"))
        {
            WorkingDirectory = Path.Combine(RepositoryRoot.Find(), "src", "App"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add($"--urls={baseAddress}");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        var app = new AppProcess(Process.Start(start)!, baseAddress);
        app._process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        await app.WaitUntilServingAsync(cancellationToken);
        return app;
    }

    /// <summary>Ends the process at once, as a crash would.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Whether this instance produces <paramref name="feed"/> now, as its <c>/api/stats</c> says.</summary>
    public async Task<bool> ProducesAsync(string feed, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/stats", cancellationToken);
        return stats.GetProperty("feeds").TryGetProperty(feed, out var counters) && counters.GetProperty("producer").GetBoolean();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The app exited with {_process.ExitCode} on start:\n{Log}"));
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/api/feeds", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
