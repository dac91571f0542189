namespace Tessera.Tickets;

/// <summary>Why a ticket was not accepted. The reason is for logs and metrics; a client only ever learns "not signed in".</summary>
public enum TicketRejection
{
    /// <summary>The ticket was accepted.</summary>
    None,

    /// <summary>The ticket's layout is broken (too short, no <c>!</c>, non-hex timestamp), or it holds what the policy refuses: a NUL byte, an empty user id, bytes that are not UTF-8.</summary>
    Malformed,

    /// <summary>Characters of the cookie value were ignored (as Apache ignores them: base64 is read up to the first character outside its alphabet) and what was read did not verify; e.g. URL-safe base64, or <c>%2B</c> for a mod_auth_tkt scheme.</summary>
    BadCookieEncoding,

    /// <summary>The digest matches none of the configured secrets. A tampered ticket and one signed with an unknown secret look the same.</summary>
    BadDigest,

    /// <summary>The digest matches one of <see cref="TicketOptions.RetiredSecrets"/>: a secret that no longer verifies. Only reported when retired secrets are configured.</summary>
    WrongSecret,

    /// <summary>The digest matches when another client address is used: an unbound ticket shown to a validator that binds, or a ticket bound to the address the caller passed while the validator ignores addresses. A ticket bound to some other address reads as <see cref="BadDigest"/>.</summary>
    WrongIp,

    /// <summary>The ticket verifies under another <see cref="TicketScheme"/> with a configured secret.</summary>
    WrongScheme,

    /// <summary>IP binding is on and the client address is missing, IPv6 (not IPv4-mapped) or <c>255.255.255.255</c>: the format can only carry IPv4.</summary>
    UnsupportedClientIp,

    /// <summary>The ticket is older than <see cref="TicketOptions.Timeout"/>.</summary>
    Expired,

    /// <summary>The ticket is dated further in the future than <see cref="TicketOptions.MaxFutureSkew"/> allows.</summary>
    IssuedInFuture,

    /// <summary>None of <see cref="TicketOptions.RequiredTokens"/> is among the ticket's tokens.</summary>
    MissingToken,
}
