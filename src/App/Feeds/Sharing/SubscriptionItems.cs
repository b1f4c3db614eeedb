using System.Runtime.CompilerServices;
using Tributary.Streaming.Records;

namespace Tributary.App.Feeds.Sharing;

/// <summary>
/// The one enumeration of a <see cref="FeedSubscription"/>, written out rather than as an async iterator: a reader is
/// woken for nearly every item of a wide feed, and each iterator layer between the broadcast and the response was a
/// state machine resumed per item (docs/PERFORMANCE.md). An item already there is returned at once; otherwise the
/// reader parks, and only then does a (pooled) continuation exist. Disposing it leaves the feed.
/// </summary>
internal sealed class SubscriptionItems : IAsyncEnumerable<FeedItem<object>>, IAsyncEnumerator<FeedItem<object>>
{
    private readonly FeedSubscription _subscription;
    private CancellationToken _token;
    private CancellationTokenSource? _linked;
    private CancellationTokenRegistration _registration;
    private int _enumerated;
    private volatile bool _disposed;

    public SubscriptionItems(FeedSubscription subscription, CancellationToken cancellationToken)
    {
        _subscription = subscription;
        _token = cancellationToken;
    }

    public FeedItem<object> Current { get; private set; } = null!;

    public IAsyncEnumerator<FeedItem<object>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("A feed subscription is read once.");
        }

        if (cancellationToken.CanBeCanceled && cancellationToken != _token)
        {
            if (_token.CanBeCanceled)
            {
                _linked = CancellationTokenSource.CreateLinkedTokenSource(_token, cancellationToken);
                _token = _linked.Token;
            }
            else
            {
                _token = cancellationToken;
            }
        }

        // A cancel wakes a parked reader, which then sees it.
        _registration = _token.UnsafeRegister(static state => ((FeedSubscription)state!).Wake(), _subscription);
        return this;
    }

    public ValueTask<bool> MoveNextAsync()
    {
        try
        {
            while (true)
            {
                if (_disposed)
                {
                    return new ValueTask<bool>(false);
                }

                _token.ThrowIfCancellationRequested();
                if (_subscription.TryTake(out var item))
                {
                    Current = item;
                    return new ValueTask<bool>(true);
                }

                if (_subscription.IsFinished(out var failure))
                {
                    return failure is null ? new ValueTask<bool>(false) : ValueTask.FromException<bool>(failure);
                }

                var woken = _subscription.WaitAsync(_token);
                if (!woken.IsCompleted)
                {
                    return WaitThenMoveNextAsync(woken);
                }

                woken.GetAwaiter().GetResult();
            }
        }
#pragma warning disable CA1031 // Handed to the caller through the ValueTask, as an async iterator would.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            return ValueTask.FromException<bool>(failure);
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _registration.Dispose();
        _subscription.Dispose();
        // A read still waiting (its caller disposed without waiting for it) returns false instead of waiting forever.
        _subscription.Wake();
        _linked?.Dispose();
        return default;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WaitThenMoveNextAsync(ValueTask<bool> woken)
    {
        await woken.ConfigureAwait(false);
        return await MoveNextAsync().ConfigureAwait(false);
    }
}
