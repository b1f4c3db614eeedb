namespace Tributary.App.Mercure;

/// <summary>What a verified token's <c>mercure</c> claim allows.</summary>
/// <param name="Publish">The topics its holder may publish to (<c>mercure.publish</c>).</param>
/// <param name="Subscribe">The topics whose private updates its holder may receive (<c>mercure.subscribe</c>).</param>
/// <param name="Expires">When the token expires, if it says.</param>
/// <param name="FromCookie">Whether it came in the cookie rather than the <c>Authorization</c> header.</param>
internal sealed record MercureGrant(TopicSelectors Publish, TopicSelectors Subscribe, DateTimeOffset? Expires, bool FromCookie)
{
    /// <summary>An anonymous subscriber's: no private update, nothing to publish.</summary>
    public static MercureGrant Anonymous { get; } = new(TopicSelectors.None, TopicSelectors.None, null, FromCookie: false);
}
