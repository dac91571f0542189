using Microsoft.Extensions.Logging;

namespace Tessera.PostgreSql;

/// <summary>Log messages of the PostgreSQL store (event ids 3100-3199). Never a session key, only its fingerprint.</summary>
internal static partial class Log
{
    [LoggerMessage(3100, LogLevel.Information, "PostgreSQL store: schema '{Schema}' migrated from version {From} to {To}")]
    public static partial void SchemaMigrated(ILogger logger, string schema, int from, int to);

    [LoggerMessage(3101, LogLevel.Warning, "PostgreSQL store: transient failure during {Operation}, retry {Attempt} of {Retries}")]
    public static partial void TransientRetry(ILogger logger, Exception exception, string operation, int attempt, int retries);

    [LoggerMessage(3102, LogLevel.Error, "PostgreSQL store: {Operation} failed")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(3103, LogLevel.Warning, "PostgreSQL store: unreadable row for session {Fingerprint} treated as missing: {Reason}")]
    public static partial void UnreadableRow(ILogger logger, string fingerprint, string reason);

    [LoggerMessage(3104, LogLevel.Debug, "PostgreSQL store: swept {Count} expired sessions")]
    public static partial void Swept(ILogger logger, int count);
}
