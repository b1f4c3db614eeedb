using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using Tributary.App.Feeds;
using Tributary.App.Feeds.Diagnostics;
using Tributary.App.Feeds.Requests;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Operators;
using Tributary.Streaming.Records;

namespace Tributary.App.Hubs;

/// <summary>
/// Streams merged feeds over SignalR, through the same scoped producer as the raw endpoint. SignalR gives
/// each stream its own token, cancelled by the client's CancelInvocation or by the connection closing;
/// that token opens the merge, so either one stops the stream's producers.
/// </summary>
public sealed class FeedHub(
    FeedCatalog catalog,
    FeedRequestRules rules,
    MergedStreams mergedStreams,
    StreamStats stats,
    ILogger<FeedHub> logger) : Hub
{
    public const string Path = "/hubs/feeds";

    /// <summary>The feed catalog.</summary>
    public FeedInfo[] Catalog() => [.. catalog.Feeds.Select(FeedInfo.From)];

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

    /// <summary>Streams the merged feeds with counter overrides and an item limit.</summary>
    /// <exception cref="HubException">The request breaks the same rules as <c>GET /api/stream</c>.</exception>
    public IAsyncEnumerable<FeedItem<object>> StreamWith(string[] feeds, HubStreamOptions streamOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamOptions);
        var input = new FeedRequestInput(feeds ?? [], streamOptions.Rate, streamOptions.Count, streamOptions.Limit, streamOptions.Since);
        var (request, error) = rules.Check(input);
        if (request is null)
        {
            throw new HubException(error);
        }

        return RunAsync(request, Context.ConnectionId, cancellationToken);
    }

    private async IAsyncEnumerable<FeedItem<object>> RunAsync(FeedRequest request, string connectionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var activity = stats.BeginStream(Path);
        await using var items = mergedStreams.Open(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        long sent = 0;
        while (await NextAsync(items, connectionId, cancellationToken))
        {
            var item = items.Current;
            if (item.Data is not FeedControl)
            {
                activity.ItemSent();
                sent++;
            }

            yield return item;
        }

        FeedHubLog.StreamEnded(logger, connectionId, sent);
    }

    // A feed failure reaches the client as a HubException naming the feed (other exceptions would reach it
    // only as a generic error); the failure is logged here, once. Items already waiting complete at once, and
    // skip the async machinery: this runs for every item of every hub stream.
    private ValueTask<bool> NextAsync(IAsyncEnumerator<FeedItem<object>> items, string connectionId, CancellationToken cancellationToken)
    {
        var next = items.MoveNextAsync();
        return next.IsCompletedSuccessfully ? next : TranslateFailureAsync(next, connectionId, cancellationToken);
    }

    private async ValueTask<bool> TranslateFailureAsync(ValueTask<bool> next, string connectionId, CancellationToken cancellationToken)
    {
        try
        {
            return await next;
        }
        catch (FeedFailedException failure)
        {
            FeedHubLog.StreamEndedByFailure(logger, failure, connectionId);
            throw new HubException(failure.ClientMessage);
        }
        catch (Exception failure) when (failure is not HubException && !failure.IsCancellationOf(cancellationToken))
        {
            FeedHubLog.StreamFailed(logger, connectionId, failure);
            throw new HubException("The stream failed on the server.");
        }
    }
}
