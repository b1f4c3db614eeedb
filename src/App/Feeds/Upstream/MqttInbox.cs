using MQTTnet;
using MQTTnet.Protocol;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// What an MQTT session has received and not yet emitted, in the order it came. The client awaits its handler but
/// queues what the socket brings without bound meanwhile, so a QoS 0 message, which nothing holds back, is dropped and
/// counted when the feed is too far behind (<see cref="DroppingBuffer{T}"/>'s bounds), as the broker itself would for a
/// slow QoS 0 subscriber; a QoS 1 message waits for room, and the broker sends no more than its window of
/// unacknowledged ones. A QoS 1 message is acknowledged only once the feed has kept it (the engine calls back), so a
/// producer that dies first leaves it with the broker for the next one.
/// </summary>
internal sealed class MqttInbox
{
    private const int QoS1Capacity = 1024;

    // How long an acknowledgement may take: a stuck connection must not hold up the engine that keeps the items.
    private static readonly TimeSpan AcknowledgeTimeout = TimeSpan.FromSeconds(1);

    private readonly DroppingBuffer<MqttApplicationMessageReceivedEventArgs> _messages = new();

    private readonly Lock _gate = new();
    private bool _closed;
    private int _waitingQoS1;
    private int _handedOut;
    private TaskCompletionSource _room = NewSignal();
    private TaskCompletionSource _acknowledged = NewSignal();

    /// <summary>The client's handler.</summary>
    public async Task ReceiveAsync(MqttApplicationMessageReceivedEventArgs received)
    {
        var bytes = received.ApplicationMessage.Payload.Length;
        if (received.ApplicationMessage.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
        {
            _messages.Add(received, bytes);
            return;
        }

        // Taken before the handler returns, or the client acknowledges on its own.
        received.AutoAcknowledge = false;
        while (true)
        {
            Task room;
            lock (_gate)
            {
                // Only QoS 1 messages count here: QoS 0 ones in the inbox are bounded on their own.
                if (_waitingQoS1 < QoS1Capacity || _closed)
                {
                    // Once closed, the message is not kept: unacknowledged, it stays with the broker for the next session.
                    if (_messages.AddHeldBack(received, bytes))
                    {
                        _waitingQoS1++;
                    }

                    return;
                }

                room = _room.Task;
            }

            await room;
        }
    }

    /// <summary>
    /// Reading ends: with <paramref name="failure"/> once what arrived before is read (the connection dropped), or at once
    /// for the session that stops, whose handler must not wait for room no one will make.
    /// </summary>
    public void Close(Exception? failure = null)
    {
        lock (_gate)
        {
            _messages.Close(failure);
            _closed = true;
            _room.TrySetResult();
        }
    }

    /// <summary>The next message, and how many QoS 0 messages were dropped before it.</summary>
    /// <exception cref="BrokerFailureException">The connection dropped, and everything that came before is read.</exception>
    public async ValueTask<(MqttApplicationMessageReceivedEventArgs Message, long Dropped)> ReadAsync(CancellationToken cancellationToken)
    {
        var (received, dropped) = await _messages.ReadAsync(cancellationToken);
        lock (_gate)
        {
            var acknowledged = !received.AutoAcknowledge;
            _handedOut += acknowledged ? 1 : 0;
            _waitingQoS1 -= acknowledged ? 1 : 0;
            _room.TrySetResult();
            _room = NewSignal();
            return (received, dropped);
        }
    }

    /// <summary>What the engine calls once it has kept the message; after a drop it is a no-op (the broker sends it again).</summary>
    public Func<ValueTask>? Acknowledgement(MqttApplicationMessageReceivedEventArgs received) =>
        received.AutoAcknowledge ? null : async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(AcknowledgeTimeout);
                await received.AcknowledgeAsync(timeout.Token);
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
    /// Waits until every message handed to the feed is acknowledged, or until none was for <paramref name="quiet"/>: what
    /// the feed dropped as it stopped is never kept, so never acknowledged, and a stopping engine keeps what it has within
    /// its own grace.
    /// </summary>
    public async Task SettleAsync(TimeSpan quiet)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_handedOut <= 0)
                {
                    return;
                }

                next = _acknowledged.Task;
            }

            if (await Task.WhenAny(next, Task.Delay(quiet)) != next)
            {
                return;
            }
        }
    }

    private void Acknowledged()
    {
        lock (_gate)
        {
            _handedOut--;
            _acknowledged.TrySetResult();
            _acknowledged = NewSignal();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
