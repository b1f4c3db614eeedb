using System.Diagnostics;

namespace Tributary.Load;

/// <summary>
/// One instance of the app with the PostgreSQL engine, started from its Release binary on a loopback port,
/// for the engine mode: it can be killed (SIGKILL, as a crash) and started again on the same port.
/// </summary>
internal sealed class EngineInstance(string binary, int port, IReadOnlyList<string> settings) : IDisposable
{
    private Process? _process;

    public Uri Url { get; } = new($"http://127.0.0.1:{port}");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = Path.Combine("src", "App"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(Url.ToString());
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { Console.Error.WriteLine($"[{port}] {line}"); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                (await http.GetAsync("/api/feeds", cancellationToken)).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        throw new InvalidOperationException($"The instance on {Url} did not start.");
    }

    /// <summary>Kills the process at once, as a crash would: no shutdown, no hand-over.</summary>
    public void Kill()
    {
        _process?.Kill();
        _process?.WaitForExit();
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
    }
}
