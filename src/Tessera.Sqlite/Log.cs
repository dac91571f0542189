using Microsoft.Extensions.Logging;

namespace Tessera.Sqlite;

/// <summary>Log messages of the SQLite store (event ids 3000-3099).</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Created or migrated the Tessera session schema to version {Version} in SQLite")]
    public static partial void SchemaCreated(ILogger logger, int version);

    [LoggerMessage(3001, LogLevel.Error, "SQLite session store failed to {Operation}")]
    public static partial void Failed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(3002, LogLevel.Information, "Swept {Count} expired session(s) from SQLite")]
    public static partial void Swept(ILogger logger, int count);

    [LoggerMessage(3003, LogLevel.Warning, "SQLite store: unreadable row for session {Fingerprint} treated as missing: {Reason}")]
    public static partial void UnreadableRow(ILogger logger, string fingerprint, string reason);

    [LoggerMessage(3004, LogLevel.Debug, "SQLite sweep batch: {Rows} expired session(s) deleted in {Milliseconds} ms; next batch at most {NextRows}")]
    public static partial void SweptBatch(ILogger logger, int rows, double milliseconds, int nextRows);

    [LoggerMessage(3005, LogLevel.Debug, "SQLite checkpoint after {Commits} commit(s): the WAL held {Pages} page(s); the next is due after {NextCommits} commit(s)")]
    public static partial void Checkpointed(ILogger logger, int commits, long pages, int nextCommits);
}
