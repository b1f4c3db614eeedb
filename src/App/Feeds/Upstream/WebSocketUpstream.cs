using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Tributary.App.Feeds.Upstream;

/// <summary><c>websocket</c>: each text message is one item (parsed JSON, or the text).</summary>
internal static class WebSocketUpstream
{
    private const int MaxMessageBytes = 1024 * 1024;

    public static async Task SessionAsync(UpstreamConnection connection, CancellationToken cancellationToken)
    {
        var uri = new Uri(connection.Feed.Url!);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, cancellationToken);
        await connection.ConnectedAsync($"connected to {uri}", cancellationToken);
        var message = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await socket.ReceiveAsync(message.GetMemory(4096), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Advance(result.Count);
            if (message.WrittenCount > MaxMessageBytes)
            {
                await connection.MalformedAsync($"a message over {MaxMessageBytes} bytes was skipped", cancellationToken);
                await SkipRestAsync(socket, result, cancellationToken);
                message.ResetWrittenCount();
                continue;
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            await (result.MessageType == WebSocketMessageType.Text
                ? connection.EmitAsync(UpstreamPayload.FromText(Encoding.UTF8.GetString(message.WrittenSpan)), cancellationToken)
                : connection.MalformedAsync($"a binary message of {message.WrittenCount} bytes was skipped", cancellationToken));
            message.ResetWrittenCount();
        }
    }

    private static async Task SkipRestAsync(ClientWebSocket socket, ValueWebSocketReceiveResult last, CancellationToken cancellationToken)
    {
        var scratch = new byte[4096];
        while (!last.EndOfMessage)
        {
            last = await socket.ReceiveAsync(scratch.AsMemory(), cancellationToken);
        }
    }
}
