using System.Text;
using Tributary.Streaming.Formatting;

namespace Tributary.Tests.Unit.Support;

/// <summary>An <see cref="ILiveOutput"/> that records what each flush delivered, and signals every flush.</summary>
internal sealed class RecordingOutput : ILiveOutput
{
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _flushed = TestTimeouts.NewSignal();

    public List<string> Flushes { get; } = [];

    public int Writes { get; private set; }

    public Exception? FailFlushWith { get; set; }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Writes++;
            _pending.Append(Encoding.UTF8.GetString(bytes.Span));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (FailFlushWith is { } failure)
        {
            return ValueTask.FromException(failure);
        }

        TaskCompletionSource flushed;
        lock (_gate)
        {
            Flushes.Add(_pending.ToString());
            _pending.Clear();
            flushed = _flushed;
            _flushed = TestTimeouts.NewSignal();
        }

        flushed.SetResult();
        return ValueTask.CompletedTask;
    }

    /// <summary>Completes once at least <paramref name="count"/> flushes have happened.</summary>
    public async Task WaitForFlushesAsync(int count)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (Flushes.Count >= count)
                {
                    return;
                }

                next = _flushed.Task;
            }

            await next.DefaultTimeout();
        }
    }

    /// <summary>Completes at the next flush.</summary>
    public Task NextFlush()
    {
        lock (_gate)
        {
            return _flushed.Task;
        }
    }
}
