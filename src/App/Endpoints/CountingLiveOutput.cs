using Tributary.App.Feeds.Diagnostics;
using Tributary.Streaming.Formatting;

namespace Tributary.App.Endpoints;

/// <summary>Counts the bytes a stream writes into its activity (once per batch, not per record), then passes them on.</summary>
internal sealed class CountingLiveOutput(ILiveOutput inner, StreamActivity activity) : ILiveOutput
{
    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        activity.Wrote(bytes.Length);
        return inner.WriteAsync(bytes, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
}
