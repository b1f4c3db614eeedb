using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Tributary.App.Feeds.Upstream;

/// <summary><c>websocket</c>: each text message is one item (parsed JSON, or the text).</summary>
internal static class WebSocketUpstream
{
    private const int ReceiveBytes = 16 * 1024;

    public static async Task SessionAsync(UpstreamConnection connection, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        // Keeps the handshake's answer, so a redirect can be reported with its target host.
        socket.Options.CollectHttpResponseDetails = true;
        await ConnectAsync(socket, new Uri(connection.Feed.Url!), cancellationToken);
        await connection.ConnectedAsync();
        var message = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await socket.ReceiveAsync(message.GetMemory(ReceiveBytes), cancellationToken);
            connection.Watch.OnBytes();
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Advance(result.Count);
            if (message.WrittenCount > connection.Feed.MaxItemBytes)
            {
                // Reported now, not when the message ends: one that never ends must not leave its readers waiting.
                await connection.OversizeAsync("a message", message.WrittenCount);
                message.ResetWrittenCount();
                if (!await SkipRestAsync(socket, result, connection, cancellationToken))
                {
                    return;
                }

                continue;
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            await (result.MessageType == WebSocketMessageType.Text
                ? connection.EmitAsync(UpstreamPayload.FromText(Encoding.UTF8.GetString(message.WrittenSpan)))
                : connection.MalformedAsync($"a binary message of {message.WrittenCount} bytes was skipped"));
            message.ResetWrittenCount();
        }
    }

    private static async Task ConnectAsync(ClientWebSocket socket, Uri address, CancellationToken cancellationToken)
    {
        try
        {
            await socket.ConnectAsync(address, cancellationToken);
        }
        catch (WebSocketException) when (IsRedirect(socket.HttpStatusCode) && socket.HttpResponseHeaders?.TryGetValue("Location", out var location) == true)
        {
            var target = Uri.TryCreate(address, location.FirstOrDefault(), out var resolved) ? UpstreamAddress.HostAndPort(resolved) : "an unreadable address";
            throw new UpstreamRedirectException($"the upstream redirected to {target}; WebSocket redirects are not followed");
        }
    }

    // Drops the rest of an oversized message, into a fixed scratch buffer; false when the upstream closed meanwhile.
    private static async Task<bool> SkipRestAsync(ClientWebSocket socket, ValueWebSocketReceiveResult last, UpstreamConnection connection, CancellationToken cancellationToken)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(ReceiveBytes);
        try
        {
            while (!last.EndOfMessage)
            {
                last = await socket.ReceiveAsync(scratch.AsMemory(), cancellationToken);
                connection.Watch.OnBytes();
                if (last.MessageType == WebSocketMessageType.Close)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;
}
