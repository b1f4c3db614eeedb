using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using Tributary.Streaming.Compression;
using Tributary.Streaming.Formatting;
using Tributary.Tests.Unit.Support;

namespace Tributary.Tests.Unit.Streaming.Compression;

public sealed class LiveCompressionTests
{
    private static readonly string[] Items = [.. Enumerable.Range(1, 20).Select(i => $"{{\"feed\":\"news\",\"seq\":{i},\"data\":\"headline {i}\"}}\n")];

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData(LiveCompressionFormat.Gzip)]
    [InlineData(LiveCompressionFormat.Brotli)]
    public async Task Decompressing_the_whole_output_yields_exactly_the_input(LiveCompressionFormat format)
    {
        var destination = new MemoryStream();

        await CompressAsync(Chunks(Items), destination, format, TestTimeouts.TestToken());

        Assert.Equal(string.Concat(Items), Decompress(destination.ToArray(), format));
    }

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData(LiveCompressionFormat.Gzip)]
    [InlineData(LiveCompressionFormat.Brotli)]
    public async Task After_each_item_the_bytes_sent_so_far_decompress_to_every_item_so_far(LiveCompressionFormat format)
    {
        var destination = new FlushRecordingStream();
        var writer = new LiveCompressionWriter(destination, format);
        var expectedSoFar = new List<string>();

        await using (writer)
        {
            foreach (var item in Items)
            {
                await writer.WriteAsync(Encoding.UTF8.GetBytes(item), TestTimeouts.TestToken());
                await writer.FlushAsync(TestTimeouts.TestToken());
                expectedSoFar.Add(item);

                // No trailer yet: this is only what a client would have received by now.
                var soFar = string.Concat(expectedSoFar);
                Assert.Equal(soFar, DecompressPrefix(destination.ContentAtEachFlush[^1], format, Encoding.UTF8.GetByteCount(soFar)));
            }

            await writer.CompleteAsync(TestTimeouts.TestToken());
        }
    }

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData(LiveCompressionFormat.Gzip)]
    [InlineData(LiveCompressionFormat.Brotli)]
    public async Task Through_the_batching_writer_an_item_that_arrives_alone_is_readable_at_the_next_flush(LiveCompressionFormat format)
    {
        // The source hands over the next item only after the writer's next flush, so the writer is idle
        // between items: each flush must carry everything so far, readable without the trailer.
        var destination = new FlushRecordingStream();
        using var flushed = new SemaphoreSlim(0);
        destination.Flushed += () => flushed.Release();

        await CompressAsync(PacedByFlushes(Items, flushed), destination, format, TestTimeouts.TestToken());

        for (var count = 1; count <= Items.Length; count++)
        {
            var soFar = string.Concat(Items.Take(count));
            Assert.Equal(soFar, DecompressPrefix(destination.ContentAtEachFlush[count], format, Encoding.UTF8.GetByteCount(soFar)));
        }
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Gzip_output_ends_with_the_trailer_on_normal_completion()
    {
        var destination = new MemoryStream();

        await CompressAsync(Chunks(Items), destination, LiveCompressionFormat.Gzip, TestTimeouts.TestToken());

        // RFC 1952: the last four bytes are the input length modulo 2^32, little-endian.
        var bytes = destination.ToArray();
        Assert.Equal(Encoding.UTF8.GetByteCount(string.Concat(Items)), BitConverter.ToInt32(bytes, bytes.Length - 4));
    }

    [Theory(Timeout = TestTimeouts.HangMilliseconds)]
    [InlineData(LiveCompressionFormat.Gzip)]
    [InlineData(LiveCompressionFormat.Brotli)]
    public async Task A_failing_source_propagates_its_error_and_no_trailer_is_written(LiveCompressionFormat format)
    {
        var failure = new InvalidOperationException("source broke");
        var destination = new FlushRecordingStream();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            CompressAsync(FailAfter(Items.Take(3), failure), destination, format, TestTimeouts.TestToken()));

        Assert.Same(failure, thrown);
        // Nothing was written after the last flush: a truncated stream, not a complete-looking one.
        Assert.Equal(LengthAtLastFlush(destination), destination.Length);
        Assert.True(destination.CanWrite, "the destination must be left open");
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Cancellation_stops_the_copy_without_a_trailer()
    {
        using var cancel = new CancellationTokenSource();
        var destination = new FlushRecordingStream();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            CompressAsync(CancelAfter(Items, 2, cancel), destination, LiveCompressionFormat.Gzip, cancel.Token));

        Assert.Equal(LengthAtLastFlush(destination), destination.Length);
    }

    [Fact(Timeout = TestTimeouts.HangMilliseconds)]
    public async Task Writing_after_completion_throws_InvalidOperationException()
    {
        var writer = new LiveCompressionWriter(new MemoryStream(), LiveCompressionFormat.Gzip);
        await writer.CompleteAsync(TestTimeouts.TestToken());

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync("late"u8.ToArray(), TestTimeouts.TestToken()).AsTask());
    }

    // The path every compressed stream takes: the batching writer flushes through the compressor whenever the
    // next item is not ready, and the trailer is written only when the items end normally.
    private static async Task CompressAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, Stream destination, LiveCompressionFormat format, CancellationToken token)
    {
        var compressor = new LiveCompressionWriter(destination, format);
        await using (compressor)
        {
            var writer = new LiveBatchWriter(compressor);
            await writer.CopyAsync(chunks, (chunk, batch) => batch.Write(chunk.Span), heartbeat: null, token);
            await writer.FlushAsync(token);
            await compressor.CompleteAsync(token);
        }
    }

    // Items that are ready together are batched, so a source that fails early may have had no flush at all.
    private static long LengthAtLastFlush(FlushRecordingStream destination) =>
        destination.LengthAtEachFlush.Count == 0 ? 0 : destination.LengthAtEachFlush[^1];

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(IEnumerable<string> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return Encoding.UTF8.GetBytes(item);
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> PacedByFlushes(IEnumerable<string> items, SemaphoreSlim flushed)
    {
        foreach (var item in items)
        {
            await flushed.WaitAsync();
            yield return Encoding.UTF8.GetBytes(item);
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> FailAfter(IEnumerable<string> items, Exception failure)
    {
        await foreach (var chunk in Chunks(items))
        {
            yield return chunk;
        }

        throw failure;
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> CancelAfter(
        IEnumerable<string> items, int count, CancellationTokenSource cancel, [EnumeratorCancellation] CancellationToken token = default)
    {
        await foreach (var chunk in Chunks(items.Take(count)))
        {
            yield return chunk;
        }

        await cancel.CancelAsync();
        token.ThrowIfCancellationRequested();
    }

    private static Stream Decompressor(byte[] bytes, LiveCompressionFormat format) => format switch
    {
        LiveCompressionFormat.Gzip => new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress),
        _ => new BrotliStream(new MemoryStream(bytes), CompressionMode.Decompress),
    };

    private static string Decompress(byte[] bytes, LiveCompressionFormat format)
    {
        using var reader = new StreamReader(Decompressor(bytes, format), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // A live stream has no trailer yet, so read exactly the bytes expected rather than to the end.
    private static string DecompressPrefix(byte[] bytes, LiveCompressionFormat format, int length)
    {
        using var decompressor = Decompressor(bytes, format);
        var buffer = new byte[length];
        decompressor.ReadExactly(buffer);
        return Encoding.UTF8.GetString(buffer);
    }
}
