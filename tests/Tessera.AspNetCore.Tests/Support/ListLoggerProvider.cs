using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tessera.AspNetCore.Tests.Support;

/// <summary>Keeps every log line (event id, level, message) of an application for assertions.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(int EventId, LogLevel Level, string Message)> Entries { get; } = new();

    public IEnumerable<(int EventId, LogLevel Level, string Message)> WithId(int eventId) => Entries.Where(e => e.EventId == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(ListLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}
