using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tessera.Redis.Tests.Failover;

/// <summary>Keeps the unhandled-exception log lines of the application (ASP.NET Core logs a 500's cause there), to show why a request failed.</summary>
public sealed class ErrorLog : ILoggerProvider
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && !category.StartsWith("Tessera.Redis", StringComparison.Ordinal))
            {
                log.Entries.Enqueue($"{category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
