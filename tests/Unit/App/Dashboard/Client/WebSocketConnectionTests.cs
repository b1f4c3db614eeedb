using System.Net.WebSockets;
using Tributary.App.Dashboard.Client;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Dashboard.Client;

public sealed class WebSocketConnectionTests
{
    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task A_pump_that_fails_unexpectedly_hands_the_failure_to_the_reader_and_disposal_still_frees_the_socket()
    {
        // A socket that was never connected makes the receive pump fail with InvalidOperationException, not
        // a WebSocketException: the kind of failure a pump must still report and clean up after.
        var socket = new ClientWebSocket();
        var connection = WebSocketConnection.Start(socket);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await connection.Transport.Input.ReadAsync().AsTask().DefaultTimeout());
        await connection.DisposeAsync().AsTask().DefaultTimeout();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => socket.ReceiveAsync(new byte[1], CancellationToken.None));
    }
}
