using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Tributary.Streaming.Concurrency;
using Tributary.Streaming.Diagnostics;

namespace Tributary.Streaming.Producers;

/// <summary>
/// An async scope that owns a <see cref="TaskGroup"/> of producers and a bounded channel, and hands the
/// consumer what they write as one <see cref="IAsyncEnumerable{T}"/>. It is the C# form of "an async
/// context manager that yields from inside a task group": the producers can never outlive the scope.
/// </summary>
/// <remarks>
/// Use it in exactly this shape:
/// <code>
/// await using var scope = new ScopedProducer&lt;Item&gt;(options, cancellationToken);
/// scope.Start((writer, ct) =&gt; ProduceNewsAsync(writer, ct));
/// scope.Start((writer, ct) =&gt; ProduceWeatherAsync(writer, ct));
/// await foreach (var item in scope.ReadAllAsync(cancellationToken)) { ... }
/// </code>
/// <list type="bullet">
/// <item>The stream completes when the consumer has begun reading and every producer has returned.
/// Producers may start more producers until then.</item>
/// <item>A producer failure cancels the other producers; once they have stopped, the consumer receives the
/// items already written and then the failure itself, thrown from <c>MoveNextAsync</c>.</item>
/// <item>Cancelling the outer token cancels the producers; the stream then ends with an
/// <see cref="OperationCanceledException"/> for that token.</item>
/// <item><see cref="DisposeAsync"/> always tears down in this order: cancel the producers, wait for every one
/// of them, complete and drain the channel. That holds whether the consumer finished, broke out early,
/// threw or was cancelled.</item>
/// <item>The stream can be enumerated once, inside the scope. Enumerating it a second time, or after the scope
/// was disposed, throws <see cref="InvalidOperationException"/>.</item>
/// </list>
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
public sealed class ScopedProducer<T> : IAsyncDisposable
{
    private const string UsageHint =
        "Consume a ScopedProducer inside its scope, once: " +
        "'await using var scope = new ScopedProducer<T>(...); scope.Start(...); await foreach (var item in scope.ReadAllAsync(ct)) { ... }'.";

    private readonly TaskGroup _group;
    private readonly Channel<T> _channel;
    private readonly ProducerWriter<T> _writer;
    private readonly ActivityGauge? _activeProducers;
    private readonly CancellationToken _outerToken;
    private readonly Lock _gate = new();
    // Running producers, plus one slot the scope holds until the consumer starts reading, so that a
    // stream whose producers have not been started yet does not complete empty.
    private int _openWriters = 1;
    private Exception? _failure;
    private bool _failureDelivered;
    private bool _consuming;
    private bool _disposed;

    /// <summary>Opens a scope with the default options (capacity 64).</summary>
    /// <param name="cancellationToken">Cancels every producer and ends the stream (for example the request's abort token).</param>
    public ScopedProducer(CancellationToken cancellationToken = default)
        : this(null, cancellationToken)
    {
    }

    /// <summary>Opens a scope.</summary>
    /// <param name="options">Capacity and counters; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels every producer and ends the stream (for example the request's abort token).</param>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is less than 1.</exception>
    public ScopedProducer(ScopedProducerOptions? options, CancellationToken cancellationToken = default)
    {
        options ??= new ScopedProducerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1, nameof(options));
        _outerToken = cancellationToken;
        _activeProducers = options.ActiveProducers;
        _group = new TaskGroup(cancellationToken);
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            // Not single-reader: DisposeAsync drains the channel and may race a consumer on another task.
            SingleReader = false,
        });
        _writer = new ProducerWriter<T>(_channel.Writer);
    }

    /// <summary>Starts a producer that writes items through a <see cref="ProducerWriter{T}"/>.</summary>
    /// <param name="producer">The producer; it receives the writer and a token cancelled when the scope tears down.</param>
    /// <exception cref="InvalidOperationException">The stream has completed or the scope was disposed.</exception>
    public void Start(Func<ProducerWriter<T>, CancellationToken, Task> producer)
    {
        ArgumentNullException.ThrowIfNull(producer);
        lock (_gate)
        {
            if (_disposed || _openWriters == 0)
            {
                throw new InvalidOperationException(
                    "Producers can only be started while the scope is open and its stream has not completed. " + UsageHint);
            }

            _openWriters++;
        }

        _group.Start(token => RunProducerAsync(producer, token));
    }

    /// <summary>Starts a producer that copies an async sequence into the stream.</summary>
    /// <param name="source">Opens the sequence; it receives a token cancelled when the scope tears down.</param>
    /// <exception cref="InvalidOperationException">The stream has completed or the scope was disposed.</exception>
    public void Start(Func<CancellationToken, IAsyncEnumerable<T>> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Start((writer, token) => CopyAsync(source, writer, token));
    }

    /// <summary>
    /// The items of every producer, in the order they were written. Enumerate it once, inside the scope.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the next item (for example the consumer's abort token).</param>
    /// <returns>The merged items. Enumerating it throws the first producer failure after the items written before it,
    /// or <see cref="OperationCanceledException"/> when the scope was cancelled.</returns>
    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) => ReadAllCoreAsync(cancellationToken);

    /// <summary>
    /// Cancels the producers, waits for every one of them, then completes and drains the channel.
    /// Rethrows a producer failure only if the stream did not already deliver it to the consumer.
    /// </summary>
    /// <returns>A task that completes when no producer is running.</returns>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _group.Cancel();
        try
        {
            await _group.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception) when (IsAlreadyReported())
        {
            // The consumer has this failure, or the outer token's cancellation, from the stream already.
        }
        finally
        {
            ReleaseChannel();
        }

        // A producer that failed with its own cancellation while the scope was being cancelled looks, to the
        // group, like one that stopped on its token; the scope still owes that failure to someone.
        ThrowIfFailureUndelivered();
    }

    private async IAsyncEnumerable<T> ReadAllCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        BeginConsuming();
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                yield return item;
            }
        }

        ThrowIfEndedAbnormally();
    }

    private void BeginConsuming()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                throw new InvalidOperationException("The stream was enumerated after its scope was disposed. " + UsageHint);
            }

            if (_consuming)
            {
                throw new InvalidOperationException("The stream was enumerated twice. " + UsageHint);
            }

            _consuming = true;
        }

        ReleaseWriter();
    }

    private async Task RunProducerAsync(Func<ProducerWriter<T>, CancellationToken, Task> producer, CancellationToken token)
    {
        _activeProducers?.Increment();
        try
        {
            await producer(_writer, token).ConfigureAwait(false);
        }
        catch (Exception failure) when (!failure.IsCancellationOf(token))
        {
            RecordFailure(failure);
            throw;
        }
        finally
        {
            _activeProducers?.Decrement();
            ReleaseWriter();
        }
    }

    private static async Task CopyAsync(Func<CancellationToken, IAsyncEnumerable<T>> source, ProducerWriter<T> writer, CancellationToken token)
    {
        await foreach (var item in source(token).WithCancellation(token).ConfigureAwait(false))
        {
            await writer.WriteAsync(item, token).ConfigureAwait(false);
        }
    }

    // The group cancels the siblings when the rethrown failure reaches it. Cancelling here first would make a
    // producer's own OperationCanceledException look like the group's cancellation, and the group would drop it.
    // The channel is completed only when the cancelled siblings have returned (ReleaseWriter), so they stop on
    // their token instead of failing on a closed channel.
    private void RecordFailure(Exception failure)
    {
        lock (_gate)
        {
            _failure ??= failure;
        }
    }

    private void ReleaseWriter()
    {
        bool lastWriter;
        lock (_gate)
        {
            lastWriter = --_openWriters == 0;
        }

        if (lastWriter)
        {
            _channel.Writer.TryComplete();
        }
    }

    private void ThrowIfEndedAbnormally()
    {
        Exception? failure;
        lock (_gate)
        {
            failure = _failure;
            _failureDelivered = failure is not null;
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        _outerToken.ThrowIfCancellationRequested();
        // Cancelled without a failure or an outer cancel: the scope was disposed while being read.
        _group.Token.ThrowIfCancellationRequested();
    }

    private void ThrowIfFailureUndelivered()
    {
        Exception? failure;
        lock (_gate)
        {
            failure = _failureDelivered ? null : _failure;
            _failureDelivered = true;
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private bool IsAlreadyReported()
    {
        lock (_gate)
        {
            return _failureDelivered || (_failure is null && _outerToken.IsCancellationRequested);
        }
    }

    private void ReleaseChannel()
    {
        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out _))
        {
            // Drop unread items so the scope holds no references after it ends.
        }
    }
}
