using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;

namespace Tributary.App.Endpoints;

/// <summary>
/// Finds a file in the export directory by a client-supplied name, refusing anything that could reach
/// outside it: the name must be a plain file name (no separators, no <c>..</c>, not rooted), and a symbolic
/// link is followed only if its final target is inside the directory too.
/// </summary>
public sealed class ExportFiles(IOptions<ExportOptions> options, IWebHostEnvironment environment)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public string Directory => Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.Directory));

    public (FileInfo? File, int Status, string? Error) Resolve(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal)
            || name is "." or ".." || name.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(name)
            || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            return (null, StatusCodes.Status400BadRequest, $"'{name}' is not a plain file name: names may not contain path separators or '..'.");
        }

        var root = Directory;
        var file = new FileInfo(Path.Combine(root, name));
        if (!file.Exists || !IsInside(root, file.FullName))
        {
            return NotFound(name);
        }

        if (file.LinkTarget is not null)
        {
            var target = file.ResolveLinkTarget(returnFinalTarget: true);
            if (target is not FileInfo { Exists: true } targetFile || !IsInside(root, targetFile.FullName))
            {
                return NotFound(name);
            }
        }

        return (file, StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// The feed a file in the export directory belongs to: the longest feed name it starts with, followed by '-' or
    /// '.' (exports are saved as <c>feed-yyyyMMdd-HHmmss.csv</c>). Files of no feed (a README) are any caller's.
    /// </summary>
    public static Feeds.FeedDefinition? FeedOf(string fileName, IEnumerable<Feeds.FeedDefinition> feeds)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(feeds);
        return feeds
            .Where(f => fileName.Length > f.Name.Length && fileName.StartsWith(f.Name, StringComparison.OrdinalIgnoreCase) && fileName[f.Name.Length] is '-' or '.')
            .MaxBy(f => f.Name.Length);
    }

    public static string ContentType(string name) =>
        ContentTypes.TryGetContentType(name, out var type) ? type : "application/octet-stream";

    private static (FileInfo?, int, string?) NotFound(string name) =>
        (null, StatusCodes.Status404NotFound, $"No file named '{name}' in the export directory.");

    private static bool IsInside(string root, string path) =>
        path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
