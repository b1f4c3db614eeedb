namespace Tributary.App.Feeds.Sharing.Postgres;

/// <summary>
/// One mapping for every read of the engine's storage on a reader's behalf: a database that cannot be reached
/// becomes a <see cref="FeedFailedException"/> marked <see cref="FeedFailedException.EngineUnavailable"/>, which every
/// entry point tells the same way (503 with <c>Retry-After</c> before a body, an <c>error</c> record after it).
/// </summary>
internal static class PostgresReads
{
    public static async Task<T> OrUnavailableAsync<T>(string feed, string what, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read(cancellationToken);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested && IsUnavailable(failure))
        {
            throw FeedFailedException.Unavailable(feed, failure is FeedEngineUnavailableException { InnerException: { } cause } ? cause : failure, what);
        }
    }

    public static async Task OrUnavailableAsync(string feed, string what, Func<CancellationToken, Task> read, CancellationToken cancellationToken) =>
        await OrUnavailableAsync(feed, what, async token =>
        {
            await read(token);
            return true;
        }, cancellationToken);

    private static bool IsUnavailable(Exception failure) => failure is FeedEngineUnavailableException || PostgresFailure.IsUnavailable(failure);
}
