namespace Tributary.Load;

/// <summary>Reads a stream as fast as it can, counting lines, until stopped.</summary>
internal sealed class GreedyReader
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _items;

    public Task Started => _started.Task;

    public long Items => Volatile.Read(ref _items);

    public async Task ReadAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                Interlocked.Add(ref _items, buffer.AsSpan(0, read).Count((byte)'\n'));
                _started.TrySetResult();
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }
}
