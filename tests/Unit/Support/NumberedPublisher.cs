namespace Tributary.Tests.Unit.Support;

/// <summary>
/// Publishes <c>{"n":1}</c>, <c>{"n":2}</c>, … to a message system in the background, a few milliseconds apart, until
/// stopped: what a test compares with what the feed kept, across whatever it does to the feed meanwhile.
/// </summary>
public sealed class NumberedPublisher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _published;

    public NumberedPublisher(Func<string, Task> publish)
    {
        _loop = Task.Run(async () =>
        {
            for (var n = 1L; !_stop.IsCancellationRequested; n++)
            {
                await publish($$"""{"n":{{n}}}""");
                Interlocked.Exchange(ref _published, n);
                await Task.Delay(2, CancellationToken.None);
            }
        });
    }

    /// <summary>The last number published (and confirmed, where the system confirms).</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Waits until <paramref name="more"/> numbers past the current one are out.</summary>
    public Task WaitForMoreAsync(long more)
    {
        var target = Published + more;
        return TestTimeouts.WaitUntilAsync(() => Published >= target);
    }

    /// <summary>Stops publishing; returns the last number published.</summary>
    public async Task<long> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return Published;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
