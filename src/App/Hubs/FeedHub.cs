using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Tributary.App.Diagnostics;
using Tributary.App.Endpoints;
using Tributary.App.Feeds;
using Tributary.Streaming.Merging;

namespace Tributary.App.Hubs;

/// <summary>
/// Streams merged feeds over SignalR, through the same scoped producer as the raw endpoint. SignalR gives
/// each stream its own token, cancelled by the client's CancelInvocation or by the connection closing;
/// that token opens the merge, so either one stops the stream's producers.
/// </summary>
public sealed class FeedHub(
    FeedCatalog catalog,
    FeedStreams feedStreams,
    StreamStats stats,
    IOptions<StreamingOptions> options,
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
        var (selected, error) = FeedSelection.Resolve(feeds ?? [], catalog, options.Value.MaxFeedsPerRequest);
        error ??= Check(selected!, streamOptions);
        var since = StreamPosition.Empty;
        if (error is null && !StreamPosition.TryParse(streamOptions.Since, out since))
        {
            error = $"since must be feed:seq[,feed:seq...], but was '{streamOptions.Since}'.";
        }

        if (error is not null)
        {
            throw new HubException(error);
        }

        var overrides = new CounterOverrides(streamOptions.Rate, streamOptions.Count);
        return RunAsync(selected!, overrides, since, streamOptions.Limit, Context.ConnectionId, cancellationToken);
    }

    private static string? Check(IReadOnlyList<FeedDefinition> feeds, HubStreamOptions o) =>
        FeedSelection.CheckOverridesAllowed(feeds, o.Rate is not null || o.Count is not null)
        ?? (o.Rate is { } rate ? FeedSelection.CheckRate(feeds, rate) : null)
        ?? (o.Count is { } count ? FeedSelection.CheckCount(feeds, count) : null)
        ?? (o.Limit is { } limit ? FeedSelection.CheckLimit(limit) : null);

    private async IAsyncEnumerable<FeedItem<object>> RunAsync(
        IReadOnlyList<FeedDefinition> feeds,
        CounterOverrides overrides,
        StreamPosition since,
        long? limit,
        string connectionId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var activity = stats.BeginStream(Path);
        var stream = feedStreams.Open(feeds, overrides, since, cancellationToken);
        if (limit is { } count)
        {
            stream = stream.TakeItems(count, cancellationToken);
        }

        await using var items = stream.GetAsyncEnumerator(cancellationToken);
        long sent = 0;
        while (await NextAsync(items, connectionId))
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
    // only as a generic error); the detail is logged here, once. Items already waiting complete at once, and
    // skip the async machinery: this runs for every item of every hub stream.
    private ValueTask<bool> NextAsync(IAsyncEnumerator<FeedItem<object>> items, string connectionId)
    {
        var next = items.MoveNextAsync();
        return next.IsCompletedSuccessfully ? next : TranslateFailureAsync(next, connectionId);
    }

    private async ValueTask<bool> TranslateFailureAsync(ValueTask<bool> next, string connectionId)
    {
        try
        {
            return await next;
        }
        catch (FeedFailedException failure)
        {
            FeedHubLog.FeedFailed(logger, failure.Feed, connectionId, failure.InnerException);
            throw new HubException(failure.ClientMessage);
        }
    }
}
