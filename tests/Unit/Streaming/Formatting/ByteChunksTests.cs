using System.Text;
using Tributary.Streaming.Formatting;
using Tributary.Streaming.Producers;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Formatting;

public sealed class ByteChunksTests
{
    [Fact]
    public void Strings_are_coerced_to_UTF8_bytes()
    {
        Assert.Equal([0x68, 0xC3, 0xA9], ByteChunks.ToBytes("hé").ToArray());
    }

    [Fact]
    public void Byte_arrays_and_memory_pass_through_unchanged()
    {
        byte[] bytes = [1, 2, 3];

        Assert.True(ByteChunks.ToBytes(bytes).Span.SequenceEqual(bytes));
        Assert.True(ByteChunks.ToBytes(new ReadOnlyMemory<byte>(bytes)).Span.SequenceEqual(bytes));
        Assert.True(ByteChunks.ToBytes(new Memory<byte>(bytes)).Span.SequenceEqual(bytes));
    }

    [Fact]
    public void Numbers_are_formatted_with_the_invariant_culture()
    {
        Assert.Equal("1234.5"u8.ToArray(), ByteChunks.ToBytes(1234.5).ToArray());
        Assert.Equal("-42"u8.ToArray(), ByteChunks.ToBytes(-42).ToArray());
    }

    [Fact]
    public void An_item_that_cannot_be_coerced_gets_an_error_naming_its_type()
    {
        var thrown = Assert.Throws<NotSupportedException>(() => ByteChunks.ToBytes(new object()));

        Assert.Contains("System.Object", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scoped_stream_of_strings_reaches_the_stream_as_bytes_flushed_per_chunk()
    {
        var destination = new FlushRecordingStream();
        await using (var scope = new ScopedProducer<string>())
        {
            scope.Start(async (writer, token) =>
            {
                await writer.WriteAsync("news\n", token);
                await writer.WriteAsync("weather\n", token);
            });

            await scope.ReadAllAsync(TestTimeouts.TestToken()).AsByteChunks().WriteLiveAsync(destination, TestTimeouts.TestToken());
        }

        Assert.Equal("news\nweather\n", Encoding.UTF8.GetString(destination.ToArray()));
        Assert.Equal([5, 13], destination.LengthAtEachFlush);
    }
}
