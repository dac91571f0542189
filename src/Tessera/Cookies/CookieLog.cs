using Microsoft.Extensions.Logging;

namespace Tessera.Cookies;

/// <summary>Cookie-session log messages (event ids 1100-1199). Never logs a cookie value, a key or session data.</summary>
internal static partial class CookieLog
{
    [LoggerMessage(1100, LogLevel.Debug, "Session cookie rejected by the {Format} format: {Reason}")]
    public static partial void Rejected(ILogger logger, string format, CookieRejection reason);

    [LoggerMessage(1101, LogLevel.Information, "Session cookie opened with an older key (key id {KeyId:x8}); it will be re-sealed with the newest key")]
    public static partial void OpenedWithOldKey(ILogger logger, uint keyId);
}
