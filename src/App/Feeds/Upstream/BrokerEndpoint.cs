namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// A message system's server as a feed names it: host, port (the protocol's default when the <c>Url</c> has none),
/// whether to use TLS, and the credentials from the <c>Url</c>'s user info or, taking precedence, the feed's
/// <c>Username</c> and <c>Password</c>. Only <see cref="ToString"/> is ever shown, and it has no credentials.
/// </summary>
internal sealed record BrokerEndpoint(string Scheme, string Host, int Port, bool Tls, string? Username, string? Password)
{
    public static BrokerEndpoint For(FeedDefinition feed)
    {
        var uri = new Uri(feed.Url!);
        var (defaultPort, tls) = uri.Scheme switch
        {
            "nats" => (4222, false),
            "tls" => (4222, true),
            "mqtt" => (1883, false),
            "mqtts" => (8883, true),
            "redis" => (6379, false),
            "rediss" => (6380, true),
            _ => throw new InvalidOperationException($"Feed '{feed.Name}' has a Url scheme its kind does not take; the catalog's validation should have refused it."),
        };
        var (user, password) = UserInfo(uri);
        return new BrokerEndpoint(
            uri.Scheme,
            uri.IdnHost,
            uri.IsDefaultPort || uri.Port < 0 ? defaultPort : uri.Port,
            tls,
            feed.Username ?? user,
            feed.Password ?? password);
    }

    public override string ToString() => $"{Scheme}://{Host}:{Port}";

    private static (string? User, string? Password) UserInfo(Uri uri)
    {
        if (uri.UserInfo.Length == 0)
        {
            return (null, null);
        }

        var parts = uri.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(parts[0]);
        return (user.Length == 0 ? null : user, parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : null);
    }
}
