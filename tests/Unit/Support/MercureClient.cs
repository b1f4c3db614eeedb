using System.Net.Http.Headers;
using System.Text;

namespace Tributary.Tests.Unit.Support;

/// <summary>Talks to the Mercure hub as an unmodified Mercure publisher and subscriber would: form posts and server-sent events.</summary>
internal static class MercureClient
{
    public const string Hub = "/.well-known/mercure";

    public static async Task<HttpResponseMessage> MercurePublishAsync(this HttpClient client, string? token, CancellationToken cancellationToken, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Hub, UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request, cancellationToken);
    }

    /// <summary>Publishes and returns the update's id, failing the test with the problem's text if it was refused.</summary>
    public static async Task<string> MercurePublishOkAsync(this HttpClient client, string token, CancellationToken cancellationToken, params (string Name, string Value)[] fields)
    {
        using var response = await client.MercurePublishAsync(token, cancellationToken, fields);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return text;
    }

    /// <summary>Opens a subscription (headers read, body open); <paramref name="query"/> is the query string without '?'.</summary>
    public static async Task<HttpResponseMessage> MercureSubscribeAsync(this HttpClient client, string query, CancellationToken cancellationToken, string? token = null, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{Hub}?{query}", UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>The subscription's events, read as an <c>EventSource</c> reads them.</summary>
    public static async Task<ServerSentEvents> EventsAsync(this HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {(response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(cancellationToken))}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new ServerSentEvents(new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8));
    }
}
