using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Publishing;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// The PostgreSQL engine: shared feeds whose items are numbered and kept in a table, so that every instance
/// of the app serves the same sequence and history, one instance at a time produces each feed, and readers
/// resume on any instance and across restarts. It owns the database connections, the listener and every
/// feed's run, in one task group that stopping the app cancels and awaits.
/// </summary>
public sealed class PostgresFeedEngine : IFeedEngine, IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, PostgresSharedFeed> _feeds = new(StringComparer.Ordinal);
    private readonly SharedFeedHost _host;
    private readonly PostgresFeedContext _context;
    private readonly PostgresEngineOptions _options;
    private readonly PostgresPublisher _publisher;
    private readonly ConcurrentDictionary<string, PostgresPublishQueue> _queues = new(StringComparer.Ordinal);
    private readonly PublishingOptions _publishing;
    private readonly Lock _startGate = new();
    private Task? _ready;

    public PostgresFeedEngine(IOptions<PostgresEngineOptions> options, IOptions<PublishingOptions> publishing, IConfiguration configuration, FeedCatalog catalog, StreamStats stats, TimeProvider time, ILogger<PostgresFeedEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(publishing);
        ArgumentNullException.ThrowIfNull(stats);
        _options = options.Value;
        _publishing = publishing.Value;
        Instance = $"{Environment.MachineName}-{Environment.ProcessId}-{FeedEpoch.New()[..6]}";
        _host = new SharedFeedHost(logger);
        var database = new PostgresDatabase(configuration.GetConnectionString(SharingOptions.ConnectionStringName)!, Instance);
        _context = new PostgresFeedContext(database, new PostgresFeedLog(database, _options.Schema), catalog, _options, stats, time, logger, Instance, _host.Group);
        _publisher = new PostgresPublisher(database, _options.Schema);
        stats.Engine = Name;
    }

    /// <inheritdoc/>
    public string Name => "postgres";

    /// <summary>This instance's name in the feeds table and in PostgreSQL's <c>application_name</c> (<c>tributary/…</c>).</summary>
    public string Instance { get; }

    /// <summary>
    /// Migrates the schema and starts listening, once (later calls wait for the first). Fails with a
    /// <see cref="FeedEngineUnavailableException"/> whose message names the server and the setting to check
    /// when the database cannot be reached within <c>Sharing:Postgres:StartupWait</c>.
    /// </summary>
    public Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        lock (_startGate)
        {
            return _ready ??= StartOnceAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => EnsureReadyAsync(cancellationToken);

    /// <summary><c>host:port/database</c>, never the password.</summary>
    public string Where => _context.Database.Where;

    /// <summary>How long the readiness probe waits for the database to answer.</summary>
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(3);

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, object> { ["engine"] = "postgres", ["database"] = Where };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(HealthTimeout);
        try
        {
            await PingAsync(deadline.Token);
            return HealthCheckResult.Healthy($"PostgreSQL at {Where} answers.", data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL at {Where} did not answer within {HealthTimeout.TotalSeconds:0} s.", data: data);
        }
        catch (Exception failure) when (PostgresFailure.IsUnavailable(failure))
        {
            // The reason only: an exception's text could carry connection details.
            return HealthCheckResult.Unhealthy($"PostgreSQL at {Where} does not answer: {PostgresFailure.Reason(failure)}.", data: data);
        }
    }

    // Asks the database for a trivial answer: throws when it does not give one.
    private async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var command = _context.Database.Source.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _host.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _context.Database.DisposeAsync();
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<FeedItem<object>> SubscribeAsync(FeedDefinition feed, FeedStart start, int extraBuffer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        await EnsureReadyAsync(cancellationToken);
        await foreach (var item in Get(feed).SubscribeAsync(start, extraBuffer, cancellationToken))
        {
            yield return item;
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<FeedItem<object>> HistoryAsync(FeedDefinition feed, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        // Every read says the same thing when the database is unreachable: a failure the client may retry. The
        // store's reads are mapped by the core; the start-up work, which waits out an outage, says it this way.
        try
        {
            await EnsureReadyAsync(cancellationToken);
        }
        catch (FeedEngineUnavailableException failure) when (!cancellationToken.IsCancellationRequested)
        {
            throw FeedFailedException.Unavailable(feed.Name, failure.InnerException ?? failure, "export its history");
        }

        await foreach (var item in Get(feed).HistoryAsync(cancellationToken))
        {
            yield return item;
        }
    }

    /// <inheritdoc/>
    // Nothing was committed when the database is unreachable (or, if the connection broke during the commit, a retry
    // with the same key or ids finds out which): the publisher may send it again.
    public Task<PublishOutcome> PublishAsync(FeedDefinition feed, PublishBatch batch, CancellationToken cancellationToken) =>
        UseDatabaseAsync(feed, "take the items", token => _queues.GetOrAdd(feed.Name, _ => new PostgresPublishQueue(_publisher, feed)).PublishAsync(batch, token), cancellationToken);

    /// <inheritdoc/>
    public Task<FeedPosition> HeadAsync(FeedDefinition feed, CancellationToken cancellationToken) =>
        UseDatabaseAsync(feed, "read its head", token => Get(feed).HeadAsync(token), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> KeepsAsync(FeedDefinition feed, FeedPosition after, CancellationToken cancellationToken) =>
        UseDatabaseAsync(feed, "read its history", token => Get(feed).KeepsAsync(after, token), cancellationToken);

    /// <inheritdoc/>
    public Task<PublishedEntry?> FindPublishedAsync(FeedDefinition feed, string id, CancellationToken cancellationToken) =>
        UseDatabaseAsync(feed, "look up a published id", token => _publisher.FindAsync(feed.Name, id, token), cancellationToken);

    // Work that fails because the database cannot be reached says so the way every other read and publish does.
    private async Task<T> UseDatabaseAsync<T>(FeedDefinition feed, string doing, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        try
        {
            await EnsureReadyAsync(cancellationToken);
            return await work(cancellationToken);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested && (failure is FeedEngineUnavailableException || PostgresFailure.IsUnavailable(failure)))
        {
            throw FeedFailedException.Unavailable(feed.Name, failure.InnerException ?? failure, doing);
        }
    }

    private PostgresSharedFeed Get(FeedDefinition feed) => _feeds.GetOrAdd(feed.Name, _ => new PostgresSharedFeed(feed, _context));

    private async Task StartOnceAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        var pushFeeds = _context.Catalog.Feeds.Where(f => f.IsPush).ToList();
        await _publisher.ConfigureAsync(pushFeeds, _publishing.IdempotencyWindow, cancellationToken);
        var notifier = new PostgresNotifier(_context, Wake, WakeAll);
        _host.Group.Start(notifier.RunAsync);
        if (pushFeeds.Count > 0)
        {
            _host.Group.Start(new PostgresPushUpkeep(_context, _publisher, pushFeeds).RunAsync);
        }

        PostgresEngineLog.Ready(_context.Logger, _context.Database.Where, _options.Schema, PostgresSchema.Version, Instance);
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var deadline = _context.Time.GetUtcNow() + _options.StartupWait;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PostgresSchema.MigrateAsync(_context.Database.Source, _options.Schema, cancellationToken);
                return;
            }
            catch (Exception failure) when (!cancellationToken.IsCancellationRequested && PostgresFailure.IsUnavailable(failure))
            {
                var remaining = deadline - _context.Time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    throw new FeedEngineUnavailableException(
                        $"PostgreSQL at {_context.Database.Where} is unreachable ({PostgresFailure.Reason(failure)}). Check ConnectionStrings:{SharingOptions.ConnectionStringName}, or set Sharing:Postgres:StartupWait to wait for the database, or Sharing:Engine to Memory.",
                        failure);
                }

                var delay = RetryWithBackoff.Delay(attempt, _options.ReconnectMaxDelay);
                delay = delay < remaining ? delay : remaining;
                PostgresEngineLog.WaitingAtStart(_context.Logger, _context.Database.Where, PostgresFailure.Reason(failure), remaining, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _context.Time, cancellationToken);
            }
        }
    }

    private void Wake(string feed)
    {
        if (_feeds.TryGetValue(feed, out var shared))
        {
            shared.Wake();
        }
    }

    private void WakeAll()
    {
        foreach (var feed in _feeds.Values)
        {
            feed.Wake();
        }
    }
}
