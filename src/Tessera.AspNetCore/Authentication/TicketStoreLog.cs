using Microsoft.Extensions.Logging;

namespace Tessera.AspNetCore;

/// <summary>The ticket store's log messages (event ids 2460-2479). Never a handle, a cookie or a stamp: at most a fingerprint.</summary>
internal static partial class TicketStoreLog
{
    [LoggerMessage(2460, LogLevel.Warning, "Ticket session {Fingerprint} holds no readable authentication ticket; it is treated as signed out.")]
    public static partial void TicketUnreadable(ILogger logger, string fingerprint);

    [LoggerMessage(2461, LogLevel.Debug, "Ticket session {Fingerprint} was not touched: another request saved it first ({Reason}).")]
    public static partial void TouchDropped(ILogger logger, string fingerprint, string reason);

    [LoggerMessage(2462, LogLevel.Information, "A re-sign-in as another user reused ticket session {Fingerprint}; it was ended instead.")]
    public static partial void UserSwitched(ILogger logger, string fingerprint);

    [LoggerMessage(2463, LogLevel.Information, "The security stamp of a user changed: {Count} other sessions were revoked.")]
    public static partial void StampChanged(ILogger logger, int count);
}
