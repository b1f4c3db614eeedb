namespace Tributary.App.Mercure;

/// <summary>
/// Which updates one subscription receives: those with a topic its <c>topic</c> parameters select, and of the private
/// ones only those with a topic its token's <c>mercure.subscribe</c> claim allows. The query never opens a private update.
/// </summary>
internal sealed class MercureAudience(TopicSelectors requested, MercureGrant grant)
{
    public bool Receives(MercureUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return requested.MatchAny(update.Topics) && MayKnowOf(update);
    }

    /// <summary>Whether the subscriber may learn of <paramref name="update"/> at all (its id included): public, or private to one of the token's topics.</summary>
    public bool MayKnowOf(MercureUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return !update.Private || grant.Subscribe.MatchAny(update.Topics);
    }
}
