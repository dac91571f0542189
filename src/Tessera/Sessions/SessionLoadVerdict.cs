namespace Tessera.Sessions;

/// <summary>How <see cref="SessionManager.LoadAsync"/> got its session. Anything but <see cref="Loaded"/> yields a new, empty session.</summary>
public enum SessionLoadVerdict
{
    /// <summary>No cookie was presented: a new session.</summary>
    NoCookie,

    /// <summary>The presented session was found, opened and is still valid.</summary>
    Loaded,

    /// <summary>The cookie value is not a session handle (wrong length, alphabet or version).</summary>
    Malformed,

    /// <summary>The store has no live record for the handle (never existed, expired in the store, deleted, revoked).</summary>
    NotFound,

    /// <summary>A record exists but does not open with the cookie's data key (tampered or forged).</summary>
    Undecryptable,

    /// <summary>
    /// The record opens with the cookie's data key but its content is not a session this version reads (invalid
    /// JSON, a lone surrogate, a duplicate key, a time outside the calendar...): a corrupted store or a bug, never the
    /// writer of this library. Counted and logged like every other rejection.
    /// </summary>
    Corrupt,

    /// <summary>The sealed idle or absolute lifetime has passed, whatever the store or cookie said.</summary>
    Expired,

    /// <summary>The session is bound to another client IP (<see cref="SessionManagerOptions.BindToClientIp"/>).</summary>
    IpMismatch,
}
