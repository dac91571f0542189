using Microsoft.Extensions.Logging;

namespace Tessera.Sqlite.Tests;

/// <summary>Keeps every log entry (event id, level, message and named values), for tests that read what the store logged.</summary>
public sealed class ListLogger : ILogger<SqliteSessionStore>
{
    private readonly List<LogEntry> _entries = [];

    /// <summary>A snapshot of the entries so far (the store may log from other threads).</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        var entry = new LogEntry(eventId.Id, logLevel, formatter(state, exception), values.ToDictionary(v => v.Key, v => v.Value));
        lock (_entries)
        {
            _entries.Add(entry);
        }
    }
}
