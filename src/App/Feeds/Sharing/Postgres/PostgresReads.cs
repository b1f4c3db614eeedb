namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// The engine's start-up work done on a reader's behalf (an export that arrives first) fails as the store's reads do
/// (<see cref="FeedReplay.HistoryAsync"/>): a database that cannot be reached becomes a <see cref="FeedFailedException"/>
/// marked <see cref="FeedFailedException.EngineUnavailable"/>, which every entry point tells the same way (503 with
/// <c>Retry-After</c> before a body, an <c>error</c> record after it).
/// </summary>
internal static class PostgresReads
{
    public static async Task OrUnavailableAsync(string feed, string what, Func<CancellationToken, Task> read, CancellationToken cancellationToken)
    {
        try
        {
            await read(cancellationToken);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested && IsUnavailable(failure))
        {
            throw FeedFailedException.Unavailable(feed, failure is FeedEngineUnavailableException { InnerException: { } cause } ? cause : failure, what);
        }
    }

    private static bool IsUnavailable(Exception failure) => failure is FeedEngineUnavailableException || PostgresFailure.IsUnavailable(failure);
}
