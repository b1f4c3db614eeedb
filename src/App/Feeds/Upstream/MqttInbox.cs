using System.Runtime.ExceptionServices;
using System.Threading.Channels;
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

    private readonly Channel<(MqttApplicationMessageReceivedEventArgs Message, long Bytes)> _messages =
        Channel.CreateUnbounded<(MqttApplicationMessageReceivedEventArgs, long)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly Lock _gate = new();
    private bool _closed;
    private int _count;
    private int _waitingQoS1;
    private long _bytes;
    private long _dropped;
    private int _handedOut;
    private TaskCompletionSource _room = NewSignal();
    private TaskCompletionSource _acknowledged = NewSignal();

    /// <summary>The client's handler.</summary>
    public async Task ReceiveAsync(MqttApplicationMessageReceivedEventArgs received)
    {
        var bytes = received.ApplicationMessage.Payload.Length;
        if (received.ApplicationMessage.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
        {
            lock (_gate)
            {
                // An empty inbox takes any message, so one larger than the bound is still read (and reported as oversize).
                if ((_count > 0 && (_count >= DroppingBuffer<object>.MaxMessages || _bytes + bytes > DroppingBuffer<object>.MaxBytes)) || !Add(received, bytes))
                {
                    _dropped++;
                }
            }

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
                    if (Add(received, bytes))
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
            _messages.Writer.TryComplete(failure);
            _closed = true;
            _room.TrySetResult();
        }
    }

    /// <summary>The next message, and how many QoS 0 messages were dropped before it.</summary>
    /// <exception cref="BrokerFailureException">The connection dropped, and everything that came before is read.</exception>
    public async ValueTask<(MqttApplicationMessageReceivedEventArgs Message, long Dropped)> ReadAsync(CancellationToken cancellationToken)
    {
        (MqttApplicationMessageReceivedEventArgs, long) next;
        try
        {
            next = await _messages.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException closed) when (closed.InnerException is BrokerFailureException lost)
        {
            ExceptionDispatchInfo.Throw(lost);
            throw;
        }

        var (received, bytes) = next;
        lock (_gate)
        {
            _count--;
            _bytes -= bytes;
            var acknowledged = !received.AutoAcknowledge;
            _handedOut += acknowledged ? 1 : 0;
            _waitingQoS1 -= acknowledged ? 1 : 0;
            _room.TrySetResult();
            _room = NewSignal();
            var dropped = _dropped;
            _dropped = 0;
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

    // Under the gate.
    private bool Add(MqttApplicationMessageReceivedEventArgs received, long bytes)
    {
        if (!_messages.Writer.TryWrite((received, bytes)))
        {
            return false;
        }

        _count++;
        _bytes += bytes;
        return true;
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
