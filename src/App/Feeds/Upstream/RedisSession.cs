using StackExchange.Redis;

namespace Tributary.App.Feeds.Upstream;

/// <summary>
/// One Redis session's own connection. The client would reconnect by itself and queue commands meanwhile; here a
/// dropped connection ends the session instead, so the feed's reconnect loop reports it and backs off as for every
/// upstream. Closing it fails a blocking read in flight at once (disposing alone would wait for the read to end).
/// </summary>
internal sealed class RedisSession : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly CancellationTokenSource _lost = new();

    private RedisSession(ConnectionMultiplexer redis)
    {
        _redis = redis;
        _redis.ConnectionFailed += (_, _) => Lose();
    }

    /// <summary>Cancelled when the connection drops.</summary>
    public CancellationToken Lost => _lost.Token;

    public static async Task<RedisSession> ConnectAsync(FeedDefinition feed, CancellationToken cancellationToken)
    {
        var endpoint = BrokerEndpoint.For(feed);
        var options = new ConfigurationOptions
        {
            EndPoints = { { endpoint.Host, endpoint.Port } },
            User = endpoint.Username,
            Password = endpoint.Password,
            Ssl = endpoint.Tls,
            ClientName = $"tributary-{feed.Name}",
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = (int)Math.Min(int.MaxValue, feed.ConnectTimeout.TotalMilliseconds),
            // Blocking reads wait up to a second; a command must be allowed longer than that.
            AsyncTimeout = 10_000,
            BacklogPolicy = BacklogPolicy.FailFast,
            Protocol = RedisProtocol.Resp2,
        };
        var connecting = ConnectionMultiplexer.ConnectAsync(options);
        try
        {
            var session = new RedisSession(await connecting.WaitAsync(cancellationToken));
            try
            {
                await session.CheckUserAsync(endpoint.Username);
                return session;
            }
            catch
            {
                await session.DisposeAsync();
                throw;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Connecting goes on for up to ConnectTimeout: what it opens must not outlive the session, and how it ends is seen.
            _ = connecting.ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        t.Result.Dispose();
                    }

                    return t.Exception;
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
            throw;
        }
        catch (RedisConnectionException failure)
        {
            throw new BrokerFailureException(Refused(failure) ? "the server refused the credentials" : "could not connect to the server", failure);
        }
    }

    /// <summary>Runs a command; the session's end or a dropped connection ends it at once.</summary>
    public async Task<T> RunAsync<T>(Func<IDatabaseAsync, Task<T>> command, CancellationToken cancellationToken)
    {
        using var stop = cancellationToken.Register(Lose);
        try
        {
            return await command(_redis.GetDatabase());
        }
        catch (Exception failure) when (failure is RedisConnectionException or ObjectDisposedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new BrokerFailureException("the connection to the server was lost", failure);
        }
        catch (RedisTimeoutException failure)
        {
            throw new BrokerFailureException("the server did not answer in time", failure);
        }
        catch (RedisServerException failure) when (failure.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
        {
            throw new BrokerFailureException("the key is not a stream", failure);
        }
        catch (RedisServerException failure) when (failure.Message.StartsWith("NOPERM", StringComparison.Ordinal))
        {
            throw new BrokerFailureException("the server does not allow this user to read it", failure);
        }
    }

    /// <summary>Subscribes to a channel, or to a pattern when it has <c>*</c>, <c>?</c> or <c>[</c>.</summary>
    public Task<RedisSubscription> SubscribeAsync(string channel, CancellationToken cancellationToken)
    {
        var name = channel.AsSpan().IndexOfAny('*', '?', '[') >= 0 ? RedisChannel.Pattern(channel) : RedisChannel.Literal(channel);
        return RunAsync(_ => RedisSubscription.StartAsync(_redis.GetSubscriber(), name, Lost), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _lost.Cancel();
        await _redis.CloseAsync(allowCommandsToComplete: false);
        await _redis.DisposeAsync();
        _lost.Dispose();
    }

    private static bool Refused(RedisConnectionException failure) =>
        failure.FailureType == ConnectionFailureType.AuthenticationFailure ||
        failure.InnerException is RedisServerException { Message: var message } && (message.Contains("WRONGPASS", StringComparison.Ordinal) || message.Contains("NOAUTH", StringComparison.Ordinal));

    // An ACL server whose default user needs no password lets a wrong password in as that user: that is a refusal too.
    private async Task CheckUserAsync(string? user)
    {
        if (user is null)
        {
            return;
        }

        string? whoami;
        try
        {
            whoami = (string?)await _redis.GetDatabase().ExecuteAsync("ACL", "WHOAMI");
        }
        catch (RedisServerException)
        {
            // A server without ACLs, or a user that may not ask: nothing to check.
            return;
        }

        if (!string.Equals(whoami, user, StringComparison.Ordinal))
        {
            throw new BrokerFailureException("the server refused the credentials");
        }
    }

    private void Lose()
    {
        try
        {
            _lost.Cancel();
            // A blocking read in flight holds the connection: closing it is what ends that read now.
            _ = _redis.CloseAsync(allowCommandsToComplete: false);
        }
        catch (ObjectDisposedException)
        {
            // The session already ended.
        }
    }
}
