using Microsoft.Extensions.Logging;

namespace Tessera.AspNetCore;

/// <summary>The auth_tkt scheme's IPv6 log messages.</summary>
internal static partial class AuthTktLog
{
    [LoggerMessage(2103, LogLevel.Warning, "auth_tkt: an IPv6 client signed in; its ticket is not bound to an address (the format carries only IPv4). This is logged once; set AuthTkt:IPv6Policy to RefuseSignIn to refuse such sign-ins, or AuthTkt:IgnoreIp to true to stop binding tickets.")]
    public static partial void UnboundTicketForIPv6(ILogger logger);

    [LoggerMessage(2104, LogLevel.Information, "auth_tkt sign-in refused: the client is IPv6 and AuthTkt:IPv6Policy is RefuseSignIn.")]
    public static partial void IPv6SignInRefused(ILogger logger);

    [LoggerMessage(2150, LogLevel.Debug, "auth_tkt: a user's earlier tickets were ended (sign-out, revocation or password change).")]
    public static partial void TicketsEnded(ILogger logger);

    [LoggerMessage(2151, LogLevel.Warning, "auth_tkt tickets cannot end with the session: Tessera runs in cookie mode without a store (Tessera:Store:Provider), so there is nowhere to record a sign-out. Tickets stay valid until they time out; set Tessera:Store:Provider to keep them ending with the session.")]
    public static partial void CutoffsWithoutStore(ILogger logger);
}
