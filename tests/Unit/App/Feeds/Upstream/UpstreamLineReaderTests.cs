using System.Text;
using Tributary.App.Feeds.Upstream;

namespace Tributary.Tests.Unit.App.Feeds.Upstream;

public sealed class UpstreamLineReaderTests
{
    [Fact]
    public async Task Lines_end_at_LF_CRLF_or_a_lone_CR_even_when_a_CRLF_is_split_between_reads()
    {
        var lines = await ReadAllAsync(maxLineBytes: 100, "one\ntwo\r", "\nthree\rfour\r\n");

        Assert.Equal(["one", "two", "three", "four"], lines);
    }

    [Fact]
    public async Task A_line_of_exactly_the_limit_is_kept_whatever_its_line_ending()
    {
        var lines = await ReadAllAsync(maxLineBytes: 5, "abcde\r\nfghij\n");

        Assert.Equal(["abcde", "fghij"], lines);
    }

    [Fact]
    public async Task A_longer_line_that_ends_in_the_read_it_passes_the_limit_in_is_skipped_with_its_whole_size_and_first_bytes()
    {
        var reader = Reader(maxLineBytes: 5, "data: 0123456789\nok\n");

        var skipped = await reader.ReadAsync(CancellationToken.None);
        var next = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal((16L, "data: 0123456789"), (skipped.OversizeBytes, skipped.OversizeStart));
        Assert.Equal("ok", next.Text);
    }

    [Fact]
    public async Task A_longer_line_is_returned_once_when_it_passes_the_limit_and_its_end_returns_nothing_more()
    {
        var reader = Reader(maxLineBytes: 5, "data: 0123", "456789", "0123456789\nok\n");

        var passed = await reader.ReadAsync(CancellationToken.None);
        var next = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal((10L, "data: 0123"), (passed.OversizeBytes, passed.OversizeStart));
        Assert.Equal("ok", next.Text);
    }

    [Fact]
    public async Task A_leading_byte_order_mark_is_dropped()
    {
        var lines = await ReadAllAsync(maxLineBytes: 100, "\uFEFF{\"n\":1}\n");

        Assert.Equal(["{\"n\":1}"], lines);
    }

    [Fact]
    public async Task A_multi_byte_character_split_between_reads_is_decoded_whole()
    {
        var euro = Encoding.UTF8.GetBytes("€");
        var reader = new UpstreamLineReader(new PiecesStream([[.. "a"u8, euro[0]], [euro[1], euro[2], (byte)'\n']]), 100, lastLineAtEnd: true);

        Assert.Equal("a€", (await reader.ReadAsync(CancellationToken.None)).Text);
    }

    [Fact]
    public async Task The_end_of_a_body_ends_its_last_line_but_a_followed_file_keeps_it_for_later()
    {
        var body = await ReadAllAsync(maxLineBytes: 100, "last");
        var file = Reader(maxLineBytes: 100, lastLineAtEnd: false, "partial");

        Assert.Equal(["last"], body);
        Assert.True((await file.ReadAsync(CancellationToken.None)).IsEnd);
    }

    private static async Task<List<string>> ReadAllAsync(int maxLineBytes, params string[] pieces)
    {
        var reader = Reader(maxLineBytes, pieces);
        var lines = new List<string>();
        while (await reader.ReadAsync(CancellationToken.None) is { IsEnd: false } line)
        {
            lines.Add(line.Text ?? $"<oversize {line.OversizeBytes}>");
        }

        return lines;
    }

    private static UpstreamLineReader Reader(int maxLineBytes, params string[] pieces) => Reader(maxLineBytes, lastLineAtEnd: true, pieces);

    private static UpstreamLineReader Reader(int maxLineBytes, bool lastLineAtEnd, params string[] pieces) =>
        new(new PiecesStream([.. pieces.Select(Encoding.UTF8.GetBytes)]), maxLineBytes, lastLineAtEnd);

    // Returns each piece from its own read, as a network stream returns what has arrived.
    private sealed class PiecesStream(IReadOnlyList<byte[]> pieces) : Stream
    {
        private int _next;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_next == pieces.Count)
            {
                return 0;
            }

            var piece = pieces[_next++];
            piece.CopyTo(buffer, offset);
            return piece.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
