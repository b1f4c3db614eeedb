using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tributary.Load;

/// <summary>
/// Reads one <c>/api/stream</c> response over a plain socket: the request written by hand, the status line checked,
/// the chunked body decoded and its NDJSON records handed to a <see cref="BroadcastReader"/>. The broadcast rounds
/// run ten thousand of these beside the server on the same two cores; through <c>HttpClient</c> the readers took
/// 0.9 of them at 10,000 × 100 items/s (its connection buffer, chunked stream and a copy between them per read),
/// which the server then did not have. This reads each receive straight from the socket into its own buffer.
/// </summary>
internal static class RawStreamReader
{
    public static async Task ReadAsync(Uri server, string pathAndQuery, BroadcastReader reader, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(server.Host), server.Port), cancellationToken);
        var request = Encoding.ASCII.GetBytes($"GET {pathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\nAccept: application/x-ndjson\r\n\r\n");
        await socket.SendAsync(request, SocketFlags.None, cancellationToken);

        var buffer = new byte[16 * 1024];
        var body = new byte[16 * 1024];
        var filled = 0;
        var headersRead = false;
        var decoder = new ChunkDecoder();
        var carried = 0;
        int received;
        while ((received = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken)) > 0)
        {
            var now = DateTime.UtcNow.Ticks;
            filled += received;
            var data = buffer.AsSpan(0, filled);
            if (!headersRead)
            {
                var end = data.IndexOf("\r\n\r\n"u8);
                if (end < 0)
                {
                    continue;
                }

                if (!data.StartsWith("HTTP/1.1 200"u8))
                {
                    throw new HttpRequestException($"The stream answered {Encoding.ASCII.GetString(data[..Math.Min(data.Length, 40)])}");
                }

                headersRead = true;
                data = data[(end + 4)..];
            }

            // De-chunk what arrived into the body buffer, after any part of a record carried from the last read, and
            // again while the body buffer's room was what stopped it.
            while (true)
            {
                var consumed = decoder.Decode(data, body.AsSpan(carried), out var written);
                carried = Lines(body.AsSpan(0, carried + written), reader, now);
                data = data[consumed..];
                if (decoder.Finished)
                {
                    return;
                }

                if (consumed == 0 || data.IsEmpty)
                {
                    break;
                }
            }

            data.CopyTo(buffer);
            filled = data.Length;
            if (filled == buffer.Length || carried == body.Length)
            {
                throw new InvalidDataException($"A record or chunk header is longer than the reader's {buffer.Length}-byte buffer.");
            }
        }
    }

    // Hands every complete line to the reader; moves what is left to the start and returns its length.
    private static int Lines(Span<byte> data, BroadcastReader reader, long now)
    {
        int newline;
        var rest = data;
        while ((newline = rest.IndexOf((byte)'\n')) >= 0)
        {
            var line = rest[..newline];
            if (RecordLine.TryReadItem(line, out var sequence, out var ts))
            {
                reader.Received(sequence, ts, now);
            }
            else if (RecordLine.IsGap(line))
            {
                reader.Gap();
            }

            rest = rest[(newline + 1)..];
        }

        rest.CopyTo(data);
        return rest.Length;
    }

    /// <summary>HTTP/1.1 chunked framing: <c>size-in-hex CRLF data CRLF</c>, repeated.</summary>
    private sealed class ChunkDecoder
    {
        private long _left;
        private bool _inData;
        private int _trailerLeft;

        /// <summary>The last (empty) chunk was read: the response is over.</summary>
        public bool Finished { get; private set; }

        /// <summary>Copies the chunk data in <paramref name="input"/> to <paramref name="output"/>; returns how much input it used (a size line cut short is left for the next read).</summary>
        public int Decode(ReadOnlySpan<byte> input, Span<byte> output, out int written)
        {
            written = 0;
            var at = 0;
            while (at < input.Length)
            {
                if (_trailerLeft > 0)
                {
                    var skip = Math.Min(_trailerLeft, input.Length - at);
                    _trailerLeft -= skip;
                    at += skip;
                    continue;
                }

                if (_inData)
                {
                    var take = (int)Math.Min(Math.Min(_left, input.Length - at), output.Length - written);
                    input.Slice(at, take).CopyTo(output[written..]);
                    written += take;
                    at += take;
                    _left -= take;
                    if (_left == 0)
                    {
                        (_inData, _trailerLeft) = (false, 2);
                    }
                    else if (take == 0)
                    {
                        return at;
                    }

                    continue;
                }

                var lineEnd = input[at..].IndexOf("\r\n"u8);
                if (lineEnd < 0)
                {
                    return at;
                }

                if (!Utf8Parser.TryParse(input.Slice(at, lineEnd), out long size, out _, 'x'))
                {
                    throw new InvalidDataException("A chunk size line is not hexadecimal.");
                }

                at += lineEnd + 2;
                if (size == 0)
                {
                    Finished = true;
                    return at;
                }

                (_left, _inData) = (size, true);
            }

            return at;
        }
    }
}
