using Microsoft.Net.Http.Headers;
using Tributary.App.Feeds.Requests;

namespace Tributary.App.Endpoints;

/// <summary>A validated <c>GET /api/stream</c> request: what to merge, and in which wire format.</summary>
/// <param name="Selection">The feeds, overrides, limit and resume position, checked by <see cref="FeedRequestRules"/>.</param>
/// <param name="Format">The wire format.</param>
public sealed record StreamRequest(FeedRequest Selection, StreamFormat Format)
{
    /// <summary>
    /// Reads the query and checks it. Returns the request, or a message naming what is wrong with it: the
    /// query's syntax is checked first, then the request against the catalog, the caller's permissions and the
    /// limits. <c>HiddenFeed</c> names a feed the caller may not watch (refused as unknown).
    /// </summary>
    public static (StreamRequest? Request, string? Error, string? HiddenFeed) Parse(HttpRequest http, FeedRequestRules rules, FeedPermissions access)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(rules);
        var (format, error) = ParseFormat(http.Query["format"], http.Headers.Accept);
        var (input, inputError) = FeedQuery.Read(http.Query, http.Headers["Last-Event-ID"].FirstOrDefault());
        error ??= inputError;
        if (error is not null)
        {
            return (null, error, null);
        }

        var check = rules.Check(input!, access);
        return check.Request is null ? (null, check.Error, check.HiddenFeed) : (new StreamRequest(check.Request, format), null, null);
    }

    private static (StreamFormat Format, string? Error) ParseFormat(string? value, IEnumerable<string?> accept)
    {
        if (string.IsNullOrEmpty(value))
        {
            // An EventSource asks for text/event-stream; everyone else gets NDJSON unless they say otherwise.
            var wantsSse = MediaTypeHeaderValue.TryParseList([.. accept.OfType<string>()], out var types)
                && types.Any(t => t.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));
            return (wantsSse ? StreamFormat.Sse : StreamFormat.Ndjson, null);
        }

        return StreamFormats.TryParse(value, out var format)
            ? (format, null)
            : (default, $"Unknown format '{value}'. Use {StreamFormats.Names}.");
    }
}
