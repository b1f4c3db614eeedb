using Tributary.Streaming.Internal;

namespace Tributary.Tests.Unit.Streaming.Internal;

public sealed class RunBuilderTests
{
    [Fact]
    public void A_run_keeps_its_items_in_order_as_it_grows_and_is_full_at_its_maximum()
    {
        var builder = new RunBuilder<int>(maxRun: 64);

        for (var i = 0; i < 64; i++)
        {
            Assert.False(builder.IsFull);
            builder.Add(i);
        }

        Assert.True(builder.IsFull);
        var run = builder.Take();
        Assert.Equal(Enumerable.Range(0, 64), run.Items.Take(run.Count));
        Assert.Equal(0, builder.Count);
    }

    [Fact]
    public void Each_run_is_sized_from_the_one_before_so_an_idle_feed_holds_small_arrays()
    {
        var builder = new RunBuilder<int>(maxRun: 64);
        AddItems(builder, 50);
        builder.Take();

        builder.Add(1);
        var afterBusy = builder.Take();
        builder.Add(2);
        var afterTrickle = builder.Take();

        Assert.Equal(64, afterBusy.Items.Length);
        Assert.Equal(4, afterTrickle.Items.Length);
        Assert.Equal(2, afterTrickle.Items[0]);
    }

    [Fact]
    public void A_maximum_of_one_makes_every_item_its_own_run()
    {
        var builder = new RunBuilder<int>(maxRun: 1);

        builder.Add(7);

        Assert.True(builder.IsFull);
        Assert.Equal(7, Assert.Single(builder.Take().Items));
    }

    private static void AddItems(RunBuilder<int> builder, int count)
    {
        for (var i = 0; i < count; i++)
        {
            builder.Add(i);
        }
    }
}
