using System.Net;
using System.Net.Http.Headers;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// The HTTP side of the <c>sse</c> and <c>ndjson</c> kinds: a handler that never follows redirects by itself,
/// and a request that follows them only as the feed allows (same host and port, no downgrade to http).
/// </summary>
internal static class UpstreamHttp
{
    public const string ClientName = "upstream";

    private const int MaxRedirects = 5;

    public static SocketsHttpHandler CreateHandler() => new()
    {
        // A redirect is the feed's decision (FollowRedirects), not the handler's.
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
    };

    /// <summary>Sends the GET and returns the successful response once its headers arrive.</summary>
    /// <exception cref="UpstreamRedirectException">A redirect the feed does not follow.</exception>
    public static async Task<HttpResponseMessage> GetAsync(
        HttpClient http,
        FeedDefinition feed,
        Action<HttpRequestHeaders> addHeaders,
        CancellationToken cancellationToken)
    {
        var address = new Uri(feed.Url!);
        for (var hops = 0; ; hops++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, address);
            addHeaders(request.Headers);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            if (!IsRedirect(response.StatusCode))
            {
                var status = response.StatusCode;
                response.Dispose();
                throw new HttpRequestException($"The upstream answered HTTP {(int)status}.", null, status);
            }

            var target = response.Headers.Location is { } location ? new Uri(address, location) : null;
            response.Dispose();
            address = Follow(feed, address, target, hops);
        }
    }

    private static Uri Follow(FeedDefinition feed, Uri from, Uri? target, int hops)
    {
        if (target is null)
        {
            throw new UpstreamRedirectException("the upstream answered with a redirect without a Location");
        }

        var to = UpstreamAddress.HostAndPort(target);
        if (!feed.FollowRedirects)
        {
            throw new UpstreamRedirectException($"the upstream redirected to {to}; redirects are not followed (FollowRedirects is off)");
        }

        var sameHost = string.Equals(UpstreamAddress.HostAndPort(from), to, StringComparison.OrdinalIgnoreCase);
        var downgrade = from.Scheme == Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttps;
        if (!sameHost || downgrade || target.Scheme is not ("http" or "https"))
        {
            throw new UpstreamRedirectException($"the upstream redirected to {to}; only redirects to the same host and port are followed");
        }

        return hops < MaxRedirects
            ? target
            : throw new UpstreamRedirectException($"the upstream redirected more than {MaxRedirects} times");
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400 and not 304;
}
