using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tributary.Tests.Unit.Support;

/// <summary>Keeps every log entry, so a test can check what was logged and how often.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId Id, Exception? Exception)> Entries { get; } = new();

    /// <summary>Every entry as it would be written: its message and, with an exception, the exception's text.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Collector(CollectingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            provider.Entries.Enqueue((category, logLevel, eventId, exception));
            provider.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
