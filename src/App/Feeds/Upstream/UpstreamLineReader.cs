using System.Buffers;
using System.Text;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// Reads UTF-8 lines (ended by <c>\n</c>, a trailing <c>\r</c> dropped) from an upstream, holding at most
/// <c>maxLineBytes</c> of a line: a longer line is counted and skipped as it streams past, so an upstream that
/// never sends a newline costs a fixed buffer, not memory that grows with what it sends.
/// </summary>
/// <param name="stream">The body or file to read.</param>
/// <param name="maxLineBytes">The longest line kept.</param>
/// <param name="lastLineAtEnd">
/// Whether the end of the stream also ends a last, unterminated line (an HTTP body). A followed file keeps
/// it, waiting for the rest to be written.
/// </param>
/// <param name="onBytes">Called whenever bytes arrive, e.g. to note that the upstream is alive.</param>
internal sealed class UpstreamLineReader(Stream stream, int maxLineBytes, bool lastLineAtEnd, Action? onBytes = null)
{
    private const int ChunkBytes = 16 * 1024;

    private readonly byte[] _chunk = new byte[ChunkBytes];
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private int _start;
    private int _end;

    // The size so far of a line being skipped; -1 when none is.
    private long _skipped = -1;

    public async ValueTask<UpstreamLine> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                return lastLineAtEnd ? TakeUnterminated() : UpstreamLine.End;
            }

            var available = _chunk.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            var part = newline < 0 ? available : available[..newline];
            _start += newline < 0 ? available.Length : newline + 1;
            Append(part);
            if (newline >= 0)
            {
                return TakeLine();
            }
        }
    }

    /// <summary>Forgets a partial line, e.g. when a followed file starts over.</summary>
    public void Reset()
    {
        _start = _end = 0;
        _line.ResetWrittenCount();
        _skipped = -1;
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var read = await stream.ReadAsync(_chunk, cancellationToken);
        _start = 0;
        _end = read;
        if (read > 0)
        {
            onBytes?.Invoke();
        }

        return read > 0;
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        if (_skipped >= 0)
        {
            _skipped += part.Length;
        }
        else if (_line.WrittenCount + part.Length > maxLineBytes)
        {
            _skipped = _line.WrittenCount + part.Length;
            _line.ResetWrittenCount();
        }
        else
        {
            _line.Write(part);
        }
    }

    private UpstreamLine TakeLine()
    {
        if (_skipped >= 0)
        {
            // The size reported is the line's, without its \r\n, as a kept line would count it.
            var size = _skipped;
            _skipped = -1;
            return new UpstreamLine(null, size);
        }

        var bytes = _line.WrittenSpan;
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        var text = Encoding.UTF8.GetString(bytes);
        _line.ResetWrittenCount();
        return new UpstreamLine(text, 0);
    }

    private UpstreamLine TakeUnterminated() =>
        _skipped >= 0 || _line.WrittenCount > 0 ? TakeLine() : UpstreamLine.End;
}
