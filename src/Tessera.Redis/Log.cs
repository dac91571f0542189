using Microsoft.Extensions.Logging;

namespace Tessera.Redis;

/// <summary>Log messages of the Redis store (event ids 3200-3299). Never a session key, only its fingerprint.</summary>
internal static partial class Log
{
    [LoggerMessage(3200, LogLevel.Error, "Redis store: {Operation} failed")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(3201, LogLevel.Warning, "Redis store: unreadable value for session {Fingerprint} treated as missing: {Reason}")]
    public static partial void UnreadableValue(ILogger logger, string fingerprint, string reason);

    [LoggerMessage(3202, LogLevel.Debug, "Redis store: swept {Count} expired sessions and {Pruned} stale user-index entries")]
    public static partial void Swept(ILogger logger, int count, long pruned);
}
