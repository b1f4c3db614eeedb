namespace Tributary.Tests.Unit.Support;

/// <summary>A memory stream that remembers how many bytes it held at each flush, to prove liveness.</summary>
internal sealed class FlushRecordingStream : MemoryStream
{
    public List<long> LengthAtEachFlush { get; } = [];

    public List<byte[]> ContentAtEachFlush { get; } = [];

    /// <summary>Raised after each flush is recorded, so a test can pace a source by the writer's flushes.</summary>
    public event Action? Flushed;

    public override void Flush()
    {
        LengthAtEachFlush.Add(Length);
        ContentAtEachFlush.Add(ToArray());
        Flushed?.Invoke();
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }
}
