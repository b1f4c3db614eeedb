using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Security;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Operators;
using Tributary.Streaming.Records;

namespace Tributary.App.Hubs;

/// <summary>
/// Streams merged feeds over SignalR, through the same scoped producer as the raw endpoint. SignalR gives
/// each stream its own token, cancelled by the client's CancelInvocation or by the connection closing;
/// that token opens the merge, so either one stops the stream's producers.
/// </summary>
[Authorize(Policy = TributaryPolicies.Watch)]
public sealed class FeedHub(
    FeedRequestRules rules,
    FeedAccess access,
    AccessWatch accessWatch,
    MergedStreams mergedStreams,
    StreamStats stats,
    StreamLimiter limiter,
    IOptions<StreamingOptions> options,
    IHostApplicationLifetime lifetime,
    HubShutdownDrain shutdownDrain,
    TimeProvider timeProvider,
    ILogger<FeedHub> logger) : Hub
{
    public const string Path = "/hubs/feeds";

    /// <summary>The feeds the caller may watch.</summary>
    public FeedInfo[] Catalog() => [.. rules.Visible(access.For(Context.User)).Select(FeedInfo.From)];

    /// <summary>Streams the merged feeds until the client cancels or disconnects.</summary>
    public IAsyncEnumerable<FeedItem<object>> Stream(string[] feeds, CancellationToken cancellationToken) =>
        StreamWith(feeds, new HubStreamOptions(), cancellationToken);

    /// <summary>How long <see cref="StreamBatches"/> lets a batch wait for more items: one dashboard render interval.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Streams the merged feeds in batches: whatever arrives within <see cref="BatchWindow"/> of a batch's
    /// first item travels as one message. For clients that render at a bounded rate, such as the dashboard,
    /// this replaces a message per item with at most twenty a second.
    /// </summary>
    public IAsyncEnumerable<IReadOnlyList<FeedItem<object>>> StreamBatches(string[] feeds, CancellationToken cancellationToken) =>
        StreamWith(feeds, new HubStreamOptions(), cancellationToken).BatchAsync(BatchWindow, maxBatch: 1000, cancellationToken: cancellationToken);

    /// <summary>
    /// <see cref="StreamBatches"/> with <see cref="StreamWith"/>'s settings: counter overrides, an item limit and a
    /// resume position. The dashboard reads each feed this way, resuming where it was after a reconnect.
    /// </summary>
    /// <exception cref="HubException">The request breaks the same rules as <c>GET /api/stream</c>.</exception>
    public IAsyncEnumerable<IReadOnlyList<FeedItem<object>>> StreamBatchesWith(string[] feeds, HubStreamOptions streamOptions, CancellationToken cancellationToken) =>
        StreamWith(feeds, streamOptions, cancellationToken).BatchAsync(BatchWindow, maxBatch: 1000, cancellationToken: cancellationToken);

    /// <summary>Streams the merged feeds with counter overrides and an item limit.</summary>
    /// <exception cref="HubException">The request breaks the same rules as <c>GET /api/stream</c>.</exception>
    public IAsyncEnumerable<FeedItem<object>> StreamWith(string[] feeds, HubStreamOptions streamOptions, CancellationToken cancellationToken)
    {
        // Arguments come from the client: a missing one is its mistake, told to it, not a server fault.
        if (streamOptions is null)
        {
            throw new HubException("The stream options are missing: pass an object such as {} or {\"rate\": 10}, or call Stream to use the feeds' own settings.");
        }

        var input = new FeedRequestInput(feeds ?? [], streamOptions.Rate, streamOptions.Count, streamOptions.Limit, streamOptions.Since);
        var check = rules.Check(input, access.For(Context.User));
        if (check.Request is null)
        {
            if (check.HiddenFeed is { } hidden && logger.IsEnabled(LogLevel.Information))
            {
                var holder = StreamClient.Of(Context.User, Context.GetHttpContext()?.Connection.RemoteIpAddress);
                SecurityLog.HiddenFeedRefused(logger, Path, holder, hidden);
            }

            throw new HubException(check.Error);
        }

        var request = check.Request;

        return RunAsync(request, Context.ConnectionId, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task OnConnectedAsync()
    {
        // Set up before any invocation can run, so the streams' count needs no lock to create.
        Context.Items[ConnectionStreams.Key] = new ConnectionStreams();
        return base.OnConnectedAsync();
    }

    // The stream ends with a `shutdown` record, like an HTTP stream, when the server stops: the client is told
    // why, and the invocation completes instead of being cut off with the connection.
    private async IAsyncEnumerable<FeedItem<object>> RunAsync(FeedRequest request, string connectionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var admission = Admit(connectionId);
        using var activity = stats.BeginStream(Path, StreamClient.Of(Context.User, Context.GetHttpContext()?.Connection.RemoteIpAddress), request.Feeds);
        activity.EndsWhen(cancellationToken);
        using var accessLease = accessWatch.Watch(Context.User ?? new System.Security.Claims.ClaimsPrincipal(), request.Feeds);
        shutdownDrain.EnsureRegistered();
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping, accessLease.Token);
        var items = mergedStreams.Open(request, stream.Token).GetAsyncEnumerator(stream.Token);
        try
        {
            while (await NextAsync(items, activity, accessLease, stream.Token, cancellationToken) is var next && next != Next.End)
            {
                if (next == Next.Shutdown)
                {
                    activity.End(StreamEndReason.ServerStopping);
                    yield return new FeedItem<object>("", 0, timeProvider.GetUtcNow(), new FeedControl(FeedControlKind.Shutdown, "The server is shutting down; reconnect to resume."));
                    yield break;
                }

                var item = items.Current;
                activity.Delivered(item.Data);
                // Each hub item is its own message: it counts as written now.
                activity.ReportDelivered();
                yield return item;
            }

            activity.End(StreamEndReason.Completed);
        }
        finally
        {
            await ReleaseAsync(items, connectionId);
        }
    }

    // Tearing the merge down can surface a failure that no reader received (the client had already left, or the
    // stream stopped for a shutdown): log it once, here, where it leaves the system.
    private async ValueTask ReleaseAsync(IAsyncEnumerator<FeedItem<object>> items, string connectionId)
    {
        try
        {
            await items.DisposeAsync();
        }
#pragma warning disable CA1031 // Nobody is left to receive it; logging it is all that can be done.
        catch (Exception failure) when (failure is not OperationCanceledException)
#pragma warning restore CA1031
        {
            FeedHubLog.StreamFailed(logger, connectionId, failure);
        }
    }

    private enum Next
    {
        Item,
        End,
        Shutdown,
    }

    // Every hub stream of a connection and of a client counts against the limits HTTP streams share.
    private HubStreamLease Admit(string connectionId)
    {
        var limits = options.Value;
        var streams = (ConnectionStreams)Context.Items[ConnectionStreams.Key]!;
        if (!streams.TryTake(limits.MaxStreamsPerConnection, out var connectionLease))
        {
            FeedHubLog.TooManyStreams(logger, connectionId, "connection", limits.MaxStreamsPerConnection);
            throw new HubException($"This connection already has {limits.MaxStreamsPerConnection} open streams, the most allowed (Streaming:MaxStreamsPerConnection). Close one first.");
        }

        IDisposable? clientLease = null;
        var address = Context.GetHttpContext()?.Connection.RemoteIpAddress;
        // Only anonymous callers from addresses an operator chose are exempt; every dashboard circuit presents a
        // ticket, so it counts as its viewer (or its signed-in user).
        var exempt = Context.User?.Identity?.IsAuthenticated != true && IsExemptFromClientLimit(address, limits);
        try
        {
            clientLease = exempt ? null : limiter.TryAcquire(StreamClient.Of(Context.User, address));
        }
        catch
        {
            connectionLease!.Dispose();
            throw;
        }

        if (!exempt && clientLease is null)
        {
            connectionLease!.Dispose();
            FeedHubLog.TooManyStreams(logger, connectionId, "client", limits.MaxStreamsPerClient);
            throw new HubException($"This client already has {limits.MaxStreamsPerClient} open streams, the most allowed (Streaming:MaxStreamsPerClient). Close one first.");
        }

        return new HubStreamLease(connectionLease!, clientLease);
    }

    private static bool IsExemptFromClientLimit(IPAddress? address, StreamingOptions limits)
    {
        if (address is null)
        {
            return false;
        }

        var normalized = StreamClient.Normalized(address);
        return limits.HubClientLimitExempt.Any(a => IPAddress.TryParse(a, out var exempt) && exempt.Equals(normalized));
    }

    private sealed class HubStreamLease(IDisposable connection, IDisposable? client) : IDisposable
    {
        public void Dispose()
        {
            client?.Dispose();
            connection.Dispose();
        }
    }

    // A feed failure reaches the client as a HubException naming the feed (other exceptions would reach it
    // only as a generic error); the failure is logged here, once. The server stopping is a normal end, with a
    // shutdown record. Items already waiting complete at once, and skip the async machinery: this runs for
    // every item of every hub stream.
    private ValueTask<Next> NextAsync(IAsyncEnumerator<FeedItem<object>> items, StreamActivity activity, AccessLease accessLease, CancellationToken streamToken, CancellationToken invocationToken)
    {
        var next = items.MoveNextAsync();
        return next.IsCompletedSuccessfully ? new(next.Result ? Next.Item : Next.End) : AwaitNextAsync(next, activity, accessLease, streamToken, invocationToken);
    }

    private async ValueTask<Next> AwaitNextAsync(ValueTask<bool> next, StreamActivity activity, AccessLease accessLease, CancellationToken streamToken, CancellationToken invocationToken)
    {
        var connectionId = Context.ConnectionId;
        try
        {
            return await next ? Next.Item : Next.End;
        }
        catch (OperationCanceledException) when (accessLease.Token.IsCancellationRequested && !invocationToken.IsCancellationRequested)
        {
            activity.End(StreamEndReason.AccessEnded);
            throw new HubException(accessLease.Reason);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !invocationToken.IsCancellationRequested)
        {
            return Next.Shutdown;
        }
        catch (FeedFailedException failure)
        {
            FeedHubLog.StreamEndedByFailure(logger, failure, connectionId);
            activity.End(StreamEndReason.Failed);
            throw new HubException(failure.ClientMessage);
        }
        catch (Exception failure) when (failure is not HubException && !failure.IsCancellationOf(streamToken))
        {
            FeedHubLog.StreamFailed(logger, connectionId, failure);
            activity.End(StreamEndReason.Failed);
            throw new HubException("The stream failed on the server.");
        }
    }
}
