namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// How an upstream is named where readers can see it: scheme, host, port and path, never the user info or
/// query that may carry credentials (<c>http://user:secret@host/?apikey=...</c>); a file by its name only.
/// </summary>
internal static class UpstreamAddress
{
    public static string Display(FeedDefinition feed) =>
        feed.Kind == FeedKind.File ? Path.GetFileName(feed.Path ?? "") : Display(new Uri(feed.Url!));

    public static string Display(Uri uri) =>
        uri.IsAbsoluteUri ? $"{uri.Scheme}://{HostAndPort(uri)}{uri.AbsolutePath}" : "(a relative address)";

    public static string HostAndPort(Uri uri) => $"{uri.IdnHost}:{uri.Port}";
}
