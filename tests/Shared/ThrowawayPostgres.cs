using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tributary.App.Feeds.Sharing.Postgres;

namespace Tributary.Tests.Hosting;

/// <summary>
/// A PostgreSQL server of its own for tests: a new cluster in a temporary directory, listening on a free
/// port on 127.0.0.1 only (trust authentication, no fsync), removed on dispose. It uses Debian's server
/// binaries (<c>./test.sh</c> installs the <c>postgresql</c> package when they are missing), or the folder
/// named by <c>TRIBUTARY_PG_BIN</c>. As root it runs them as the <c>postgres</c> user: initdb refuses root.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly DirectoryInfo _directory;

    private ThrowawayPostgres(string bin, DirectoryInfo directory, int port)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A connection string for the cluster's <c>postgres</c> database as its <c>tributary</c> superuser.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database=postgres;Username=tributary";

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var bin = FindBinaries();
        var directory = Directory.CreateTempSubdirectory("tributary-pg-");
        var server = new ThrowawayPostgres(bin, directory, LoopbackPort.Free());
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres", directory.FullName]);
        }

        await server.RunPostgresAsync("initdb", ["-D", server.DataDirectory, "-A", "trust", "-U", "tributary", "--no-sync"]);
        await server.StartServerAsync();
        return server;
    }

    private string DataDirectory => Path.Combine(_directory.FullName, "data");

    /// <summary>Starts the server (again), waiting until it accepts connections.</summary>
    public Task StartServerAsync() => RunPostgresAsync("pg_ctl", [
        "-D", DataDirectory, "-w", "-l", Path.Combine(_directory.FullName, "log"),
        "-o", $"-p {Port} -k {_directory.FullName} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"]);

    /// <summary>Runs one SQL statement on the <c>postgres</c> database, returning its first value.</summary>
    /// <remarks>
    /// On a connection of its own, not a pooled one: a pooled connection would outlive the test, and a later test
    /// that restarts the server would leave it broken for the next statement of whichever test comes after.
    /// </remarks>
    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>
    /// Ends an app instance abruptly, as <c>kill -9</c> would: every database connection it holds (its producers'
    /// locks with them) is cut, then it stops.
    /// </summary>
    public async Task KillAsync(LoopbackApp instance, CancellationToken cancellationToken)
    {
        var name = instance.Services.GetRequiredService<PostgresFeedEngine>().Instance;
        await ScalarAsync($"select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'tributary/{name}'", cancellationToken);
        await instance.StopAsync();
    }

    /// <summary>Stops the server at once (connections are cut), as an outage would.</summary>
    public Task StopServerAsync() => RunPostgresAsync("pg_ctl", ["-D", DataDirectory, "-w", "stop", "-m", "immediate"]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunPostgresAsync("pg_ctl", ["-D", DataDirectory, "-w", "stop", "-m", "immediate"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        _directory.Delete(recursive: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task RunPostgresAsync(string tool, string[] arguments) => IsRoot
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments])
        : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("TRIBUTARY_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            "PostgreSQL's server binaries were not found under /usr/lib/postgresql: run ./test.sh (it installs Debian's postgresql), or set TRIBUTARY_PG_BIN to the folder holding initdb and pg_ctl.");
    }
}
