using System.Buffers;
using System.Text;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// Reads UTF-8 lines from an upstream, ended by <c>\n</c>, <c>\r\n</c> or a lone <c>\r</c> (as the event-stream
/// format allows; a leading byte order mark is dropped), holding at most <c>maxLineBytes</c> of a line: a
/// longer line is counted and skipped as it streams past, so an upstream that never ends a line costs a
/// fixed buffer, not memory that grows with what it sends. A skipped line is reported once, as soon as it
/// passes the limit: with its whole size if it ended in the same read, else with the bytes seen by then (a line
/// that never ends must not keep its readers waiting for the report).
/// </summary>
/// <param name="stream">The body or file to read.</param>
/// <param name="maxLineBytes">The longest line kept, without its line ending.</param>
/// <param name="lastLineAtEnd">
/// Whether the end of the stream also ends a last, unterminated line (an HTTP body). A followed file keeps
/// it, waiting for the rest to be written.
/// </param>
/// <param name="onBytes">Called whenever bytes arrive, e.g. to note that the upstream is alive.</param>
internal sealed class UpstreamLineReader(Stream stream, int maxLineBytes, bool lastLineAtEnd, Action? onBytes = null)
{
    private const int ChunkBytes = 16 * 1024;

    // Enough of a skipped line for a parser to read its field name.
    private const int StartBytes = 16;

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly byte[] _chunk = new byte[ChunkBytes];
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private int _start;
    private int _end;
    private bool _atStart = true;

    // A line just ended with \r: a \n that follows belongs to it.
    private bool _afterCarriageReturn;

    // The size so far of a line being skipped, and its first bytes; -1 when none is.
    private long _skipped = -1;
    private string _skippedStart = "";

    // The line being skipped was already returned, when it passed the limit; its end returns nothing more.
    private bool _skipReported;

    public async ValueTask<UpstreamLine> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                return lastLineAtEnd ? TakeUnterminated() : UpstreamLine.End;
            }

            var available = _chunk.AsSpan(_start, _end - _start);
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (available[0] == (byte)'\n')
                {
                    _start++;
                    continue;
                }
            }

            var ending = available.IndexOfAny((byte)'\n', (byte)'\r');
            Append(ending < 0 ? available : available[..ending]);
            _start += ending < 0 ? available.Length : ending + 1;
            if (ending >= 0)
            {
                _afterCarriageReturn = available[ending] == (byte)'\r';
                if (_skipReported)
                {
                    ForgetSkipped();
                    continue;
                }

                return TakeLine();
            }

            if (_skipped >= 0 && !_skipReported)
            {
                _skipReported = true;
                return new UpstreamLine(null, _skipped, _skippedStart);
            }
        }
    }

    /// <summary>Forgets a partial line, e.g. when a followed file starts over.</summary>
    public void Reset()
    {
        _start = _end = 0;
        _line.ResetWrittenCount();
        ForgetSkipped();
        _afterCarriageReturn = false;
        _atStart = true;
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var read = await stream.ReadAsync(_chunk, cancellationToken);
        _start = 0;
        _end = read;
        if (read > 0)
        {
            onBytes?.Invoke();
            SkipByteOrderMark();
        }

        return read > 0;
    }

    // Only a mark that arrives whole in the first read is recognised; upstreams send it in their first bytes.
    private void SkipByteOrderMark()
    {
        if (_atStart && _chunk.AsSpan(0, _end).StartsWith(ByteOrderMark))
        {
            _start = ByteOrderMark.Length;
        }

        _atStart = false;
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        if (_skipped >= 0)
        {
            _skipped += part.Length;
        }
        else if (_line.WrittenCount + part.Length > maxLineBytes)
        {
            _line.Write(part[..Math.Min(part.Length, StartBytes)]);
            var start = _line.WrittenSpan[..Math.Min(_line.WrittenCount, StartBytes)];
            _skippedStart = Encoding.UTF8.GetString(start);
            _skipped = _line.WrittenCount - Math.Min(part.Length, StartBytes) + part.Length;
            _line.ResetWrittenCount();
        }
        else
        {
            _line.Write(part);
        }
    }

    private void ForgetSkipped()
    {
        _skipped = -1;
        _skippedStart = "";
        _skipReported = false;
    }

    private UpstreamLine TakeLine()
    {
        if (_skipped >= 0)
        {
            var skipped = new UpstreamLine(null, _skipped, _skippedStart);
            ForgetSkipped();
            return skipped;
        }

        var text = Encoding.UTF8.GetString(_line.WrittenSpan);
        _line.ResetWrittenCount();
        return new UpstreamLine(text, 0);
    }

    private UpstreamLine TakeUnterminated()
    {
        if (_skipReported)
        {
            ForgetSkipped();
            return UpstreamLine.End;
        }

        return _skipped >= 0 || _line.WrittenCount > 0 ? TakeLine() : UpstreamLine.End;
    }
}
