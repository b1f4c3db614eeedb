using System.Text;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// <c>file</c>: follows a file like <c>tail -F</c>. It starts at the end, emits each new line, starts over
/// when the file is truncated, and, when the file is rotated (renamed or deleted and recreated), reads what
/// is left of the old file and then the new one from its start. A missing file is retried with backoff.
/// </summary>
/// <remarks>
/// Rotation is noticed when the path no longer exists or names a file shorter than the open one; a new file
/// that outgrows the old one between two polls is noticed only once the old one is read to its end.
/// </remarks>
internal static class FileUpstream
{
    public static async Task SessionAsync(UpstreamConnection connection, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var path = connection.Feed.Path!;
        var tail = new LineTail(Open(path));
        try
        {
            tail.Stream.Seek(0, SeekOrigin.End);
            await connection.ConnectedAsync($"following {path}", cancellationToken);
            while (true)
            {
                foreach (var line in tail.ReadNewLines())
                {
                    await connection.EmitAsync(UpstreamPayload.FromText(line), cancellationToken);
                }

                if (tail.Stream.Length < tail.Stream.Position)
                {
                    tail.Restart();
                    await connection.EmitAsync(new UpstreamStatus("truncated", $"{path} was truncated; reading it from the start"), cancellationToken);
                    continue;
                }

                if (IsRotated(path, tail.Stream))
                {
                    await tail.DisposeAsync();
                    tail = new LineTail(Open(path));
                    await connection.EmitAsync(new UpstreamStatus("rotated", $"{path} was rotated; reading the new file from the start"), cancellationToken);
                    continue;
                }

                await Task.Delay(connection.Feed.PollInterval, timeProvider, cancellationToken);
            }
        }
        finally
        {
            await tail.DisposeAsync();
        }
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 4096, useAsync: false);

    private static bool IsRotated(string path, FileStream open)
    {
        var current = new FileInfo(path);
        if (!current.Exists)
        {
            // Renamed away, the new file not there yet: keep reading the old one until it appears.
            return false;
        }

        return current.Length < open.Length;
    }

    /// <summary>Reads complete lines from an open file, keeping a partial last line until it is finished.</summary>
    private sealed class LineTail(FileStream stream) : IAsyncDisposable
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder _partial = new();
        private readonly byte[] _bytes = new byte[8192];
        private readonly char[] _chars = new char[Encoding.UTF8.GetMaxCharCount(8192)];

        public FileStream Stream { get; } = stream;

        public List<string> ReadNewLines()
        {
            var lines = new List<string>();
            int read;
            while ((read = Stream.Read(_bytes, 0, _bytes.Length)) > 0)
            {
                var count = _decoder.GetChars(_bytes, 0, read, _chars, 0);
                for (var i = 0; i < count; i++)
                {
                    if (_chars[i] == '\n')
                    {
                        lines.Add(_partial.ToString().TrimEnd('\r'));
                        _partial.Clear();
                    }
                    else
                    {
                        _partial.Append(_chars[i]);
                    }
                }
            }

            return lines;
        }

        public void Restart()
        {
            Stream.Seek(0, SeekOrigin.Begin);
            _partial.Clear();
            _decoder.Reset();
        }

        public ValueTask DisposeAsync() => Stream.DisposeAsync();
    }
}
