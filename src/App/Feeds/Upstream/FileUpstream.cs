namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// <c>file</c>: follows a file like <c>tail -F</c>. It starts at the end, emits each new line, starts over
/// when the file is truncated, and, when the file is rotated (renamed or deleted and recreated), reads what
/// is left of the old file and then the new one from its start. A missing file is retried with backoff. A
/// line longer than <see cref="FeedDefinition.MaxItemBytes"/> is reported and skipped.
/// </summary>
/// <remarks>
/// Rotation is noticed when the path no longer exists or names a file shorter than the open one; a new file
/// that outgrows the old one between two polls is noticed only once the old one is read to its end.
/// </remarks>
internal static class FileUpstream
{
    public static async Task SessionAsync(UpstreamConnection connection, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var feed = connection.Feed;
        var path = feed.Path!;
        var name = UpstreamAddress.Display(feed);
        var file = Open(path);
        try
        {
            file.Seek(0, SeekOrigin.End);
            var lines = Lines(file, feed);
            await connection.ConnectedAsync();
            while (true)
            {
                await EmitNewLinesAsync(lines, connection, cancellationToken);
                if (file.Length < file.Position)
                {
                    file.Seek(0, SeekOrigin.Begin);
                    lines.Reset();
                    await connection.EmitAsync(new UpstreamStatus(UpstreamStatus.Truncated, $"{name} was truncated; reading it from the start"));
                    continue;
                }

                // A file truncated and written again between the two length checks looks shorter at its path than
                // when opened: it is the same file if the open one is now shorter than what was read of it.
                if (IsRotated(path, file) && file.Length >= file.Position)
                {
                    await file.DisposeAsync();
                    file = Open(path);
                    lines = Lines(file, feed);
                    await connection.EmitAsync(new UpstreamStatus(UpstreamStatus.Rotated, $"{name} was rotated; reading the new file from the start"));
                    continue;
                }

                await Task.Delay(feed.PollInterval, timeProvider, cancellationToken);
            }
        }
        finally
        {
            await file.DisposeAsync();
        }
    }

    private static async Task EmitNewLinesAsync(UpstreamLineReader lines, UpstreamConnection connection, CancellationToken cancellationToken)
    {
        while (await lines.ReadAsync(cancellationToken) is { IsEnd: false } line)
        {
            await (line.IsOversize
                ? connection.OversizeAsync("a line", line.OversizeBytes)
                : connection.EmitAsync(UpstreamPayload.FromText(line.Text!)));
        }
    }

    // A partial last line stays in the reader until the writer finishes it.
    private static UpstreamLineReader Lines(FileStream file, FeedDefinition feed) =>
        new(file, feed.MaxItemBytes, lastLineAtEnd: false);

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: false);

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
}
