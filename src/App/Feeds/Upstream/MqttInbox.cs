using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// What an MQTT session has received and not yet emitted, bounded. The client awaits its handler, but queues what the
/// socket brings without bound meanwhile, so only QoS 1 may wait for room: the broker sends no more than its window of
/// unacknowledged messages (MQTT 5 Receive Maximum). A QoS 0 message that finds the inbox full is dropped and counted,
/// as the broker itself would for a slow QoS 0 subscriber. A QoS 1 message is acknowledged only once the feed has kept
/// it (the engine calls back), so a producer that dies first leaves it with the broker for the next one.
/// </summary>
internal sealed class MqttInbox
{
    private const int Capacity = 256;

    // How long an acknowledgement may take: a stuck connection must not hold up the engine that keeps the items.
    private static readonly TimeSpan AcknowledgeTimeout = TimeSpan.FromSeconds(1);

    private readonly Channel<MqttApplicationMessageReceivedEventArgs> _messages = Channel.CreateBounded<MqttApplicationMessageReceivedEventArgs>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Lock _gate = new();
    private int _handedOut;
    private long _dropped;
    private TaskCompletionSource _acknowledged = NewSignal();

    /// <summary>The client's handler.</summary>
    public async Task ReceiveAsync(MqttApplicationMessageReceivedEventArgs received)
    {
        if (received.ApplicationMessage.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
        {
            if (!_messages.Writer.TryWrite(received))
            {
                Interlocked.Increment(ref _dropped);
            }

            return;
        }

        // Taken before the handler returns, or the client acknowledges on its own.
        received.AutoAcknowledge = false;
        try
        {
            await _messages.Writer.WriteAsync(received);
        }
        catch (ChannelClosedException)
        {
            // The session ended: unacknowledged, the message stays with the broker for the next session.
        }
    }

    /// <summary>
    /// Reading ends: with <paramref name="failure"/> once what arrived before is read (the connection dropped), or at once
    /// for the session that stops, whose handler must not wait for room no one will make.
    /// </summary>
    public void Close(Exception? failure = null) => _messages.Writer.TryComplete(failure);

    /// <summary>The next message, and how many QoS 0 messages were dropped before it.</summary>
    public async ValueTask<(MqttApplicationMessageReceivedEventArgs Message, long Dropped)> ReadAsync(CancellationToken cancellationToken)
    {
        var received = await _messages.Reader.ReadAsync(cancellationToken);
        if (!received.AutoAcknowledge)
        {
            lock (_gate)
            {
                _handedOut++;
            }
        }

        return (received, Interlocked.Exchange(ref _dropped, 0));
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
