using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.App.Security;
using Tributary.App.Streams;
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
    MergedStreams mergedStreams,
    StreamGate gate,
    IOptions<StreamingOptions> options,
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

        var input = new FeedRequestInput(feeds ?? [], streamOptions.Rate, streamOptions.Count, streamOptions.Limit, streamOptions.Since, Tail: streamOptions.Tail);
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

    // A stream ends by the gate's rules, as an HTTP stream does: the `shutdown` and `end` records travel as its last
    // items and the invocation completes; a failure or lost access is a HubException with the same words.
    private async IAsyncEnumerable<FeedItem<object>> RunAsync(FeedRequest request, string connectionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connectionLease = AdmitOnConnection(connectionId);
        // Before the session links the server's stopping token: the drain must run after the session's own callback.
        shutdownDrain.EnsureRegistered();
        var user = Context.User ?? new System.Security.Claims.ClaimsPrincipal();
        var address = Context.GetHttpContext()?.Connection.RemoteIpAddress;
        using var stream = gate.TryOpen(Path, user, address, request.Feeds, IsExemptFromClientLimit(user, address), cancellationToken)
            ?? throw new HubException(gate.TooManyStreams);
        var items = mergedStreams.Open(request, stream.Token).GetAsyncEnumerator(stream.Token);
        try
        {
            StreamEnding? ending;
            while ((ending = await NextAsync(items, stream, connectionId)) is null)
            {
                var item = items.Current;
                stream.Activity.Delivered(item.Data);
                // Each hub item is its own message: it counts as written now.
                stream.Activity.ReportDelivered();
                yield return item;
            }

            if (ending.Record is FeedControlKind.Shutdown or FeedControlKind.End)
            {
                yield return ending.ToItem(timeProvider.GetUtcNow());
            }
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

    // Every hub stream of a connection counts against the connection's limit; the gate applies the client's.
    private IDisposable AdmitOnConnection(string connectionId)
    {
        var limit = options.Value.MaxStreamsPerConnection;
        var streams = (ConnectionStreams)Context.Items[ConnectionStreams.Key]!;
        if (!streams.TryTake(limit, out var lease))
        {
            FeedHubLog.TooManyStreams(logger, connectionId, "connection", limit);
            throw new HubException($"This connection already has {limit} open streams, the most allowed (Streaming:MaxStreamsPerConnection). Close one first.");
        }

        return lease!;
    }

    // Only anonymous callers from addresses an operator chose are exempt; every dashboard circuit presents a
    // ticket, so it counts as its viewer (or its signed-in user).
    private bool IsExemptFromClientLimit(System.Security.Claims.ClaimsPrincipal user, IPAddress? address)
    {
        if (user.Identity?.IsAuthenticated == true || address is null)
        {
            return false;
        }

        var normalized = StreamClient.Normalized(address);
        return options.Value.HubClientLimitExempt.Any(a => IPAddress.TryParse(a, out var exempt) && StreamClient.Normalized(exempt)!.Equals(normalized));
    }

    // The next item (null), or how the stream ended. Items already waiting complete at once, and skip the async
    // machinery: this runs for every item of every hub stream.
    private ValueTask<StreamEnding?> NextAsync(IAsyncEnumerator<FeedItem<object>> items, StreamSession stream, string connectionId)
    {
        var next = items.MoveNextAsync();
        return next.IsCompletedSuccessfully ? new(next.Result ? null : stream.End(null)) : AwaitNextAsync(next, stream, connectionId);
    }

    private async ValueTask<StreamEnding?> AwaitNextAsync(ValueTask<bool> next, StreamSession stream, string connectionId)
    {
        StreamEnding? ending;
        try
        {
            return await next ? null : stream.End(null);
        }
        catch (Exception error) when ((ending = stream.End(error)) is not null)
        {
            if (ending.Reason == StreamEndReason.ClientLeft)
            {
                // The invocation was cancelled by its client or its connection: nobody is left to tell.
                throw;
            }

            return ending.Record == FeedControlKind.Error ? throw new HubException(ending.Message) : ending;
        }
        catch (Exception failure) when (failure is not HubException and not OperationCanceledException)
        {
            FeedHubLog.StreamFailed(logger, connectionId, failure);
            stream.Activity.End(StreamEndReason.Failed);
            throw new HubException("The stream failed on the server.");
        }
    }
}
