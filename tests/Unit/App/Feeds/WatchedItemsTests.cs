using System.Runtime.CompilerServices;
using Tributary.App.Feeds;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.App.Feeds;

public sealed class WatchedItemsTests
{
    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task An_enumeration_disposed_before_its_first_read_still_ends_once()
    {
        var (started, ended) = (0, 0);
        var items = new WatchedItems<int>(Items(), () => started++, () => ended++);

        var reading = items.GetAsyncEnumerator();
        await reading.DisposeAsync();
        await reading.DisposeAsync();

        Assert.Equal((1, 1), (started, ended));
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Every_item_passes_through_and_the_end_comes_after_the_last()
    {
        var ended = 0;
        var read = new List<int>();

        await foreach (var item in new WatchedItems<int>(Items(), started: null, () => ended++))
        {
            Assert.Equal(0, ended);
            read.Add(item);
        }

        Assert.Equal([1, 2, 3], read);
        Assert.Equal(1, ended);
    }

    private static async IAsyncEnumerable<int> Items([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 1; i <= 3; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return i;
        }
    }
}
