namespace Tributary.Streaming.Formatting;

/// <summary>An <see cref="ILiveOutput"/> over a plain stream: a flush is the stream's own flush.</summary>
/// <param name="destination">The stream; left open.</param>
public sealed class StreamLiveOutput(Stream destination) : ILiveOutput
{
    private readonly Stream _destination = destination ?? throw new ArgumentNullException(nameof(destination));

    /// <inheritdoc/>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        _destination.WriteAsync(bytes, cancellationToken);

    /// <inheritdoc/>
    public ValueTask FlushAsync(CancellationToken cancellationToken) =>
        new(_destination.FlushAsync(cancellationToken));
}
