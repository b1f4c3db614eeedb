using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Tributary.Streaming.Concurrency;

namespace Tributary.App.Dashboard.Client;

/// <summary>
/// A <see cref="ConnectionContext"/> over a <see cref="ClientWebSocket"/>: two pumps move bytes between the
/// socket and the pipes the hub connection reads and writes. SignalR's JSON protocol delimits its own
/// messages, so WebSocket message boundaries carry no meaning here.
/// </summary>
internal sealed class WebSocketConnection : ConnectionContext
{
    private readonly ClientWebSocket _socket;
    private readonly DuplexPipe _application;
    private readonly CancellationTokenSource _stopping = new();
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private int _disposed;

    private WebSocketConnection(ClientWebSocket socket)
    {
        _socket = socket;
        var fromServer = new Pipe();
        var toServer = new Pipe();
        Transport = new DuplexPipe(fromServer.Reader, toServer.Writer);
        _application = new DuplexPipe(toServer.Reader, fromServer.Writer);
    }

    public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public static WebSocketConnection Start(ClientWebSocket socket)
    {
        var connection = new WebSocketConnection(socket);
        // Both pumps are awaited by DisposeAsync, which the hub connection always calls.
        connection._receiving = connection.ReceiveAsync();
        connection._sending = connection.SendAsync();
        return connection;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            // The pumps report their own failures through the pipes and do not fault; the socket is freed
            // whatever happens.
            await Task.WhenAll(_receiving, _sending);
        }
        finally
        {
            _socket.Dispose();
            _stopping.Dispose();
            await base.DisposeAsync();
        }
    }

    private async Task ReceiveAsync()
    {
        var output = _application.Output;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(output.GetMemory(4096), _stopping.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                output.Advance(result.Count);
                if ((await output.FlushAsync(_stopping.Token)).IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(_stopping.Token))
        {
            // Disposed: a normal end.
        }
#pragma warning disable CA1031 // Any failure of the socket ends this connection; the hub connection gets it through the pipe.
        catch (Exception error)
#pragma warning restore CA1031
        {
            // The server went away, or the socket failed: the hub connection sees the connection close with it.
            failure = error;
        }

        await output.CompleteAsync(failure);
    }

    private async Task SendAsync()
    {
        var input = _application.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_stopping.Token);
                foreach (var segment in result.Buffer)
                {
                    await _socket.SendAsync(segment, WebSocketMessageType.Text, endOfMessage: true, _stopping.Token);
                }

                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            // The hub connection finished writing: close our side politely.
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, _stopping.Token);
        }
        catch (OperationCanceledException cancelled) when (cancelled.IsCancellationOf(_stopping.Token))
        {
            // Disposed: a normal end.
        }
#pragma warning disable CA1031 // Any failure of the socket ends this connection; the receive pump reports it.
        catch (Exception)
#pragma warning restore CA1031
        {
            // The server went away, or the socket failed: the receive pump hands the hub connection the failure.
        }

        await input.CompleteAsync();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
