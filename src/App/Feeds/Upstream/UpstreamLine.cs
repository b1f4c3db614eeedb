namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// What <see cref="UpstreamLineReader"/> read: a line, an oversized line that was skipped (its size, and its
/// first bytes so a parser can tell what kind of line it was), or the end of what is there.
/// </summary>
internal readonly record struct UpstreamLine(string? Text, long OversizeBytes, string OversizeStart = "")
{
    public static UpstreamLine End => default;

    public bool IsEnd => Text is null && OversizeBytes == 0;

    public bool IsOversize => OversizeBytes > 0;
}
