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
        return requested.MatchAny(update.Topics) && (!update.Private || grant.Subscribe.MatchAny(update.Topics));
    }
}
