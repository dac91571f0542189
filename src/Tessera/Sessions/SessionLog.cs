using Microsoft.Extensions.Logging;

namespace Tessera.Sessions;

/// <summary>Log messages of the session manager and the user session directory (event ids 1200-1299). Only fingerprints, never handles.</summary>
internal static partial class SessionLog
{
    [LoggerMessage(1200, LogLevel.Debug, "Session cookie rejected: {Verdict} (session {Fingerprint})")]
    public static partial void Rejected(ILogger logger, SessionLoadVerdict verdict, string fingerprint);

    [LoggerMessage(1201, LogLevel.Warning, "Session {Fingerprint} presented from a different client IP; a new session was started")]
    public static partial void IpMismatch(ILogger logger, string fingerprint);

    [LoggerMessage(1202, LogLevel.Debug, "Session {Fingerprint} lost a save race (attempt {Attempt}); merging")]
    public static partial void Merging(ILogger logger, string fingerprint, int attempt);

    [LoggerMessage(1204, LogLevel.Information, "User signed in; session rotated to {Fingerprint}")]
    public static partial void SignedIn(ILogger logger, string fingerprint);

    [LoggerMessage(1205, LogLevel.Information, "Session {Fingerprint} signed out")]
    public static partial void SignedOut(ILogger logger, string fingerprint);

    [LoggerMessage(1206, LogLevel.Information, "Session {Fingerprint} failed its user check and was reset")]
    public static partial void CheckFailed(ILogger logger, string fingerprint);

    [LoggerMessage(1207, LogLevel.Information, "Revoked {Count} session(s) of a user")]
    public static partial void Revoked(ILogger logger, int count);

    [LoggerMessage(1208, LogLevel.Error, "Session store '{Store}' was written with other secrets: its key-check value matches none of Tessera:Secrets. Sessions are saved, but user listings and revocation by other servers and by 'tessera store' disagree with this server: configure the fleet's secrets")]
    public static partial void StoreKeyMismatch(ILogger logger, string store);
}
