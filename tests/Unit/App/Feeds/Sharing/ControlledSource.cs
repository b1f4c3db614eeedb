using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds.Sharing;

/// <summary>A feed source the test writes to, counting how often it was opened and signalling when it stops.</summary>
internal sealed class ControlledSource
{
    private Channel<object> _items = Channel.CreateUnbounded<object>();
    private int _opens;

    public int Opens => Volatile.Read(ref _opens);

    public TaskCompletionSource Stopped { get; private set; } = TestTimeouts.NewSignal();

    public Exception? FailWith { get; set; }

    /// <summary>When set, a producer that was stopped does not return until this completes.</summary>
    public TaskCompletionSource? HoldAfterStop { get; set; }

    public void Write(object item) => _items.Writer.TryWrite(item);

    /// <summary>The feed ends by itself, as a counter with a Count or an upstream that closes does.</summary>
    public void End() => _items.Writer.TryComplete();

    public async IAsyncEnumerable<object> OpenAsync([EnumeratorCancellation] CancellationToken token)
    {
        Interlocked.Increment(ref _opens);
        try
        {
            await foreach (var item in _items.Reader.ReadAllAsync(token))
            {
                if (FailWith is { } failure)
                {
                    throw failure;
                }

                yield return item;
            }
        }
        finally
        {
            // Read the hold before signalling: the test may clear it as soon as it sees the signal.
            var hold = HoldAfterStop;
            Stopped.TrySetResult();
            if (hold is not null)
            {
                await hold.Task;
            }
        }
    }

    /// <summary>Starts over: a fresh queue and stop signal, for the next run of the producer.</summary>
    public void Renew()
    {
        _items = Channel.CreateUnbounded<object>();
        Stopped = TestTimeouts.NewSignal();
    }
}
