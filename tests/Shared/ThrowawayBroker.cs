using System.Diagnostics;
using System.Net.Sockets;

namespace Tributary.Tests.Hosting;

/// <summary>
/// A message system of its own for tests: Debian's <c>nats-server</c> (with JetStream), <c>mosquitto</c> or
/// <c>redis-server</c> (<c>./test.sh</c> installs them when missing), on a free port on 127.0.0.1, its files in a
/// temporary directory, removed on dispose. It can be killed and started again on the same port, as an outage would.
/// </summary>
public sealed class ThrowawayBroker : IAsyncDisposable
{
    private readonly string _binary;
    private readonly Func<ThrowawayBroker, string[]> _arguments;
    private readonly DirectoryInfo _directory;
    private Process? _process;

    private ThrowawayBroker(string binary, string scheme, Func<ThrowawayBroker, string[]> arguments)
    {
        _binary = binary;
        _arguments = arguments;
        _directory = System.IO.Directory.CreateTempSubdirectory("tributary-broker-");
        Port = LoopbackPort.FreeOutsideEphemeralRange();
        Url = $"{scheme}://127.0.0.1:{Port}";
    }

    public int Port { get; }

    /// <summary>The server's address, without credentials.</summary>
    public string Url { get; }

    public string Directory => _directory.FullName;

    /// <summary><c>nats-server -js</c>; with a user and password when given.</summary>
    public static Task<ThrowawayBroker> NatsAsync(string? user = null, string? password = null) =>
        StartAsync(new ThrowawayBroker(Find("nats-server"), "nats", b =>
            ["-a", "127.0.0.1", "-p", $"{b.Port}", "-js", "-sd", Path.Combine(b.Directory, "js"),
             .. user is null ? Array.Empty<string>() : ["--user", user, "--pass", password!]]));

    /// <summary><c>mosquitto</c> with MQTT 3.1.1 and 5, anonymous or with one user.</summary>
    public static Task<ThrowawayBroker> MosquittoAsync(string? user = null, string? password = null) =>
        StartAsync(new ThrowawayBroker(Find("mosquitto"), "mqtt", b => ["-c", b.MosquittoConfig(user, password)]));

    /// <summary><c>redis-server</c> without persistence; with a password (<c>requirepass</c>) when given.</summary>
    public static Task<ThrowawayBroker> RedisAsync(string? password = null) =>
        StartAsync(new ThrowawayBroker(Find("redis-server"), "redis", b =>
            ["--port", $"{b.Port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", b.Directory,
             .. password is null ? Array.Empty<string>() : ["--requirepass", password]]));

    /// <summary>Kills the server at once, as a crash would: its clients' connections are cut.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the server (again) on its port, waiting until it accepts connections.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(_binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Directory };
        foreach (var argument in _arguments(this))
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!await AcceptsAsync())
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(_binary)} exited with {_process.ExitCode} on start.");
            }

            await Task.Delay(20, deadline.Token);
        }
    }

    /// <summary>
    /// How many client connections the server has open now: established TCP connections to its port (from
    /// <c>/proc/net/tcp</c>), so a test sees a feed's connection close whichever protocol it speaks.
    /// </summary>
    public int ClientConnections()
    {
        var local = $":{Port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            // local_address rem_address st: state 01 is ESTABLISHED.
            .Count(fields => fields[1].EndsWith(local, StringComparison.Ordinal) && fields[3] == "01");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _directory.Delete(recursive: true);
    }

    private static async Task<ThrowawayBroker> StartAsync(ThrowawayBroker broker)
    {
        await broker.StartAsync();
        return broker;
    }

    private async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string MosquittoConfig(string? user, string? password)
    {
        var lines = new List<string> { $"listener {Port} 127.0.0.1", "persistence false", "max_queued_messages 100000" };
        if (user is null)
        {
            lines.Add("allow_anonymous true");
        }
        else
        {
            var passwords = Path.Combine(Directory, "passwords");
            using (var hashing = Process.Start(Find("mosquitto_passwd"), ["-b", "-c", passwords, user, password!]))
            {
                hashing.WaitForExit();
            }

            lines.Add("allow_anonymous false");
            lines.Add($"password_file {passwords}");
        }

        if (Environment.UserName == "root")
        {
            // Otherwise it drops to the mosquitto user, which cannot read this directory.
            lines.Add("user root");
        }

        var config = Path.Combine(Directory, "mosquitto.conf");
        File.WriteAllLines(config, lines);
        return config;
    }

    private static string Find(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"])
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
        return path ?? throw new InvalidOperationException(
            $"{name} was not found: run ./test.sh, which installs Debian's nats-server, mosquitto and redis-server when missing.");
    }
}
