using Microsoft.Extensions.Logging;

namespace Tessera.AspNetCore;

/// <summary>
/// Log messages of Tessera.AspNetCore (event ids 2000-2999: sessions 2000-2099, auth_tkt 2100-2199,
/// health 2200-2299, start-up 2300-2399). Never a session id, a cookie, a ticket or a secret: at most a short fingerprint.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Error, "Session store '{StoreName}' failed; the request was answered with 503.")]
    public static partial void StoreFailed(ILogger logger, string storeName, Exception exception);

    [LoggerMessage(2002, LogLevel.Information, "A legacy {Format} session cookie was migrated to Tessera's format.")]
    public static partial void LegacyCookieMigrated(ILogger logger, string format);

    [LoggerMessage(2003, LogLevel.Warning, "The session changed after the response had started; the change was not saved. Change the session before writing the response body.")]
    public static partial void ChangedAfterResponseStarted(ILogger logger);

    [LoggerMessage(2004, LogLevel.Debug, "The endpoint threw and SetOnException is off; the session was not saved.")]
    public static partial void NotSavedOnException(ILogger logger);

    [LoggerMessage(2005, LogLevel.Information, "Session {Fingerprint} was signed out: the user's check value changed.")]
    public static partial void CheckValueChanged(ILogger logger, string fingerprint);

    [LoggerMessage(2007, LogLevel.Warning, "A session change was dropped: {Reason}")]
    public static partial void CommitConflict(ILogger logger, string reason);

    [LoggerMessage(2008, LogLevel.Warning, "A session change was refused ({Mode} mode): the session would be {Size} bytes, over the limit of {Limit} bytes ({Option}). Nothing was stored; the request is answered 413 unless the application handles SessionTooLargeException.")]
    public static partial void SessionTooLarge(ILogger logger, string mode, int size, int limit, string option);

    [LoggerMessage(2009, LogLevel.Error, "The session cookie could not be written: {Reason} The previous cookie was left in place.")]
    public static partial void CookieNotWritten(ILogger logger, string reason);

    [LoggerMessage(2010, LogLevel.Warning, "A cookie-mode sign-in asked for AuthenticationProperties.ExpiresUtc {Requested:O}, later than the sealed cookie's absolute lifetime allows ({Latest:O}); the session ends then. Raise Tessera:AbsoluteLifetime, or use server mode (Tessera:Mode = Server), where ExpiresUtc sets the lifetime. Said once.")]
    public static partial void ExpiresCapped(ILogger logger, DateTimeOffset requested, DateTimeOffset latest);

    [LoggerMessage(2011, LogLevel.Debug, "A cookie-mode session reached the end its sign-in set (AuthenticationProperties.ExpiresUtc); it was ended and its cookie cleared.")]
    public static partial void SignInEnded(ILogger logger);

    [LoggerMessage(2101, LogLevel.Debug, "auth_tkt ticket refreshed.")]
    public static partial void TicketRefreshed(ILogger logger);

    [LoggerMessage(2105, LogLevel.Debug, "auth_tkt ticket not accepted: issued before the user's last sign-out, revocation or password change.")]
    public static partial void TicketEnded(ILogger logger);

    [LoggerMessage(2200, LogLevel.Warning, "Session store '{StoreName}' health check failed.")]
    public static partial void HealthCheckFailed(ILogger logger, string storeName, Exception exception);

    [LoggerMessage(2300, LogLevel.Warning, "No Tessera:Secrets configured: using the development secret kept in {File}. Outside Development it is refused: configure Tessera:Secrets ('tessera secret' prints one).")]
    public static partial void DevelopmentSecretInUse(ILogger logger, string file);

    [LoggerMessage(2301, LogLevel.Warning, "ASP.NET Core's session (AddSession) is registered next to Tessera: with UseSession() in the pipeline, HttpContext.Session is whichever middleware ran last. Remove AddSession(), UseSession() and AddDistributedMemoryCache() (docs/migrating-from-aspnetcore-session.md).")]
    public static partial void AspNetCoreSessionRegistered(ILogger logger);

    [LoggerMessage(2302, LogLevel.Error, "UseSession() runs after UseTessera() and replaced HttpContext.Session with ASP.NET Core's session: Tessera's session is not what the application sees. Remove UseSession() and AddSession().")]
    public static partial void SessionFeatureReplaced(ILogger logger);

    [LoggerMessage(2303, LogLevel.Warning, "Tessera:Cookie:SecurePolicy is {Policy} in the {Environment} environment: the session cookie can travel over plain http, where anyone on the path can copy it. Set Tessera:Cookie:SecurePolicy to Always and serve the site over https.")]
    public static partial void InsecureSessionCookie(ILogger logger, string policy, string environment);

    [LoggerMessage(2310, LogLevel.Information, "Swept {Count} expired sessions from '{Store}' in {ElapsedMs:F0} ms.")]
    public static partial void Swept(ILogger logger, string store, int count, double elapsedMs);

    [LoggerMessage(2311, LogLevel.Error, "Sweeping expired sessions from '{Store}' failed; it is tried again at the next interval.")]
    public static partial void SweepFailed(ILogger logger, string store, Exception exception);
}
