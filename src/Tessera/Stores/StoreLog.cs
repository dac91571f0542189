using Microsoft.Extensions.Logging;

namespace Tessera.Stores;

/// <summary>Log messages of the IDistributedCache adapter (event ids 2900-2919).</summary>
internal static partial class StoreLog
{
    [LoggerMessage(2900, LogLevel.Error, "Distributed cache store: {Operation} failed")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(2901, LogLevel.Warning, "Distributed cache store: unreadable entry for session {Fingerprint} treated as missing: {Reason}")]
    public static partial void UnreadableEntry(ILogger logger, string fingerprint, string reason);
}
