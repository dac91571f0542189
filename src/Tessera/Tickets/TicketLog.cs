using Microsoft.Extensions.Logging;

namespace Tessera.Tickets;

/// <summary>
/// auth_tkt log messages (event ids 1000-1099). Never logs a cookie, a ticket, a user id or a secret: only the scheme,
/// the reason and a 32-bit fingerprint (the first bytes of a SHA-256 of the presented value) to correlate entries.
/// </summary>
internal static partial class TicketLog
{
    [LoggerMessage(1000, LogLevel.Debug, "auth_tkt ticket rejected under the {Scheme} scheme: {Reason} (fingerprint {Fingerprint:x8})")]
    public static partial void Rejected(ILogger logger, TicketScheme scheme, TicketRejection reason, uint fingerprint);

    [LoggerMessage(1001, LogLevel.Information, "auth_tkt ticket verified with an older secret under the {Scheme} scheme (fingerprint {Fingerprint:x8}); a ticket signed with the newest secret is offered")]
    public static partial void MatchedOldSecret(ILogger logger, TicketScheme scheme, uint fingerprint);
}
