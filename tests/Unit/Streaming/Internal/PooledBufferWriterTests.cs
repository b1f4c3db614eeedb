using System.Buffers;
using System.Text;
using Tributary.Streaming.Internal;

namespace Tributary.Tests.Unit.Streaming.Internal;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void Writes_past_the_initial_capacity_keep_everything_in_order()
    {
        var writer = new PooledBufferWriter(initialCapacity: 16);
        var expected = new StringBuilder();

        for (var i = 0; i < 1_000; i++)
        {
            var line = $"line {i}\n";
            writer.Write(Encoding.UTF8.GetBytes(line));
            expected.Append(line);
        }

        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void Reset_forgets_what_was_written_and_the_writer_can_be_used_again()
    {
        var writer = new PooledBufferWriter(initialCapacity: 16);
        writer.Write("first"u8);

        writer.Reset();
        Assert.Equal(0, writer.WrittenCount);
        Assert.True(writer.WrittenMemory.IsEmpty);

        writer.Write("second"u8);
        Assert.Equal("second", Encoding.UTF8.GetString(writer.WrittenMemory.Span));
    }

    [Fact]
    public void Advancing_past_the_memory_it_gave_out_is_refused()
    {
        var writer = new PooledBufferWriter(initialCapacity: 16);
        var room = writer.GetSpan(8).Length;

        Assert.Throws<InvalidOperationException>(() => writer.Advance(room + 1));
    }
}
