namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>What a row of the log holds, in its <c>kind</c> column.</summary>
internal enum PostgresRowKind : short
{
    /// <summary>An item whose data is JSON.</summary>
    Json = 0,

    /// <summary>An item whose data is a string.</summary>
    Text = 1,

    /// <summary>An upstream's status record (JSON of <c>UpstreamStatus</c>).</summary>
    Status = 2,

    /// <summary>The producer failed; <c>data</c> is the message its readers' streams end with. Never replayed.</summary>
    Failure = 3,

    /// <summary>The producer's source ended; readers' streams end with it. Never replayed.</summary>
    End = 4,

    /// <summary>An item whose data is a string holding NUL, stored as a JSON string.</summary>
    TextJson = 5,
}
