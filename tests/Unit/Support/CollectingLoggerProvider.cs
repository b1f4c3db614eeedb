using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tributary.Tests.Unit.Support;

/// <summary>Keeps every log entry, so a test can check what was logged and how often, or wait until it has been.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<(Func<EventId, bool> Match, int Count, TaskCompletionSource Reached)> _waiters = [];

    public ConcurrentQueue<(string Category, LogLevel Level, EventId Id, Exception? Exception)> Entries { get; } = new();

    /// <summary>Every entry as it would be written: its message and, with an exception, the exception's text.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    /// <summary>Completes once <paramref name="count"/> entries whose event id matches have been logged.</summary>
    public Task WaitForAsync(Func<EventId, bool> match, int count, CancellationToken cancellationToken)
    {
        var reached = TestTimeouts.NewSignal();
        lock (_gate)
        {
            if (Entries.Count(e => match(e.Id)) >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((match, count, reached));
        }

        return reached.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
    }

    private void Add(string category, LogLevel level, EventId id, Exception? exception, string line)
    {
        Lines.Enqueue(line);
        lock (_gate)
        {
            Entries.Enqueue((category, level, id, exception));
            foreach (var waiter in _waiters.Where(w => Entries.Count(e => w.Match(e.Id)) >= w.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Reached.TrySetResult();
            }
        }
    }

    private sealed class Collector(CollectingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Add(category, logLevel, eventId, exception, $"{category}: {formatter(state, exception)} {exception}");
    }
}
