namespace Tributary.App.Feeds.Sharing;

/// <summary>The shared feed a <see cref="FeedSubscription"/> reads, whichever engine it lives in.</summary>
internal interface ISubscriptionOwner
{
    /// <summary>The reader left: stop handing it items.</summary>
    void Unsubscribe(FeedSubscription subscription);

    /// <summary>A slow reader skipped <paramref name="items"/> items.</summary>
    void CountDropped(long items);
}
