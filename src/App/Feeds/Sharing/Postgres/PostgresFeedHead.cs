namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// A feed's row in the <c>feeds</c> table: its epoch, the last sequence written, its producer, if any, and where the
/// feed's source was after the last item written, if its source has positions.
/// </summary>
internal sealed record PostgresFeedHead(string Epoch, long LastSequence, string? Producer, string? SourcePosition = null);
