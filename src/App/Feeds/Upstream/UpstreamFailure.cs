using System.Globalization;
using System.Net.WebSockets;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// A short, fixed sentence per kind of upstream failure, for readers. Exception text can name internal
/// addresses, paths or credentials (<c>Connection refused (10.0.0.5:5152)</c>), so it goes only to the log.
/// </summary>
internal static class UpstreamFailure
{
    public static string Describe(Exception failure, FeedDefinition feed, SessionWatch watch) => failure switch
    {
        _ when watch.Stalled => $"no data for {Seconds(feed.IdleTimeout)}",
        _ when watch.Expired => $"no connection within {Seconds(feed.ConnectTimeout)}",
        UpstreamRedirectException redirect => redirect.Message,
        BrokerFailureException broker => broker.Message,
        HttpRequestException { StatusCode: { } status } => $"the upstream answered HTTP {(int)status}",
        HttpRequestException http => Describe(http.HttpRequestError),
        WebSocketException { InnerException: HttpRequestException http } => Describe(http.HttpRequestError),
        WebSocketException { WebSocketErrorCode: WebSocketError.NotAWebSocket } => "the upstream refused the WebSocket handshake",
        WebSocketException { WebSocketErrorCode: WebSocketError.ConnectionClosedPrematurely } => "the upstream closed the connection without a close handshake",
        WebSocketException => "the WebSocket connection failed",
        FileNotFoundException or DirectoryNotFoundException => "the file does not exist",
        UnauthorizedAccessException => "the file may not be read",
        IOException when feed.Kind == FeedKind.File => "reading the file failed",
        IOException => "the connection was lost",
        _ => "the upstream failed",
    };

    private static string Describe(HttpRequestError error) => error switch
    {
        HttpRequestError.NameResolutionError => "the upstream host name was not found",
        HttpRequestError.ConnectionError => "could not connect to the upstream",
        HttpRequestError.SecureConnectionError => "the TLS handshake with the upstream failed",
        HttpRequestError.ResponseEnded => "the upstream closed the connection",
        HttpRequestError.InvalidResponse => "the upstream sent an invalid response",
        _ => "the request to the upstream failed",
    };

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s");
}
