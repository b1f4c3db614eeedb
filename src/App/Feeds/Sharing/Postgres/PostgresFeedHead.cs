namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>A feed's row in the <c>feeds</c> table: its epoch, the last sequence written, and its producer, if any.</summary>
internal sealed record PostgresFeedHead(string Epoch, long LastSequence, string? Producer);
