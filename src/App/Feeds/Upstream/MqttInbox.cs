using System.Threading.Channels;
using MQTTnet;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// What an MQTT session has received and not yet emitted, bounded: the client awaits its handler, so a full inbox
/// holds the broker back. At QoS 1 a message is acknowledged only once the feed has kept it (the engine calls back), so a
/// producer that dies first leaves it with the broker for the next one; the inbox counts what is still unacknowledged,
/// so a session that stops can wait for what is being kept to be acknowledged before it disconnects.
/// </summary>
internal sealed class MqttInbox
{
    private const int Capacity = 256;

    private readonly Channel<MqttApplicationMessageReceivedEventArgs> _messages = Channel.CreateBounded<MqttApplicationMessageReceivedEventArgs>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Lock _gate = new();
    private int _unacknowledged;
    private TaskCompletionSource _acknowledged = NewSignal();

    /// <summary>The client's handler: takes manual acknowledgement of a QoS 1 message before it returns, then waits for room.</summary>
    public Task ReceiveAsync(MqttApplicationMessageReceivedEventArgs received)
    {
        if (received.ApplicationMessage.QualityOfServiceLevel != MQTTnet.Protocol.MqttQualityOfServiceLevel.AtMostOnce)
        {
            received.AutoAcknowledge = false;
            lock (_gate)
            {
                _unacknowledged++;
            }
        }

        return _messages.Writer.WriteAsync(received).AsTask();
    }

    /// <summary>The connection dropped: reading ends with <paramref name="failure"/> once what arrived before is read.</summary>
    public void Close(Exception failure) => _messages.Writer.TryComplete(failure);

    public ValueTask<MqttApplicationMessageReceivedEventArgs> ReadAsync(CancellationToken cancellationToken) => _messages.Reader.ReadAsync(cancellationToken);

    /// <summary>What the engine calls once it has kept the message; a dropped connection makes it a no-op (the broker sends it again).</summary>
    public Func<ValueTask>? Acknowledgement(MqttApplicationMessageReceivedEventArgs received) =>
        received.AutoAcknowledge ? null : async () =>
        {
            try
            {
                await received.AcknowledgeAsync(CancellationToken.None);
            }
#pragma warning disable CA1031 // After a drop the client throws anything from NullReferenceException up; the broker keeps the message.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
            finally
            {
                Acknowledged();
            }
        };

    /// <summary>
    /// Waits until everything handed to the feed is acknowledged, or until no acknowledgement came for
    /// <paramref name="quiet"/> (what the feed dropped as it stopped is never kept, so never acknowledged).
    /// </summary>
    public async Task SettleAsync(TimeSpan quiet, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_unacknowledged - _messages.Reader.Count <= 0)
                {
                    return;
                }

                next = _acknowledged.Task;
            }

            if (await Task.WhenAny(next, Task.Delay(quiet, cancellationToken)) != next)
            {
                return;
            }
        }
    }

    private void Acknowledged()
    {
        lock (_gate)
        {
            _unacknowledged--;
            _acknowledged.TrySetResult();
            _acknowledged = NewSignal();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
