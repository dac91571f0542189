namespace Tessera.Cookies;

/// <summary>Why a session cookie was not accepted. Goes to logs and metrics; the client only sees "no session".</summary>
public enum CookieRejection
{
    /// <summary>The cookie was accepted.</summary>
    None = 0,

    /// <summary>No cookie, or an empty value: a new session.</summary>
    Absent,

    /// <summary>The value is not in the format's shape (bad base64, too short, wrong version byte).</summary>
    Malformed,

    /// <summary>The signature or authentication tag does not verify: forged, tampered, wrong key or another cookie name.</summary>
    BadSignature,

    /// <summary>Authentic (or unauthenticated but well-formed) bytes that do not decode: bad zlib, JSON or envelope.</summary>
    Corrupt,

    /// <summary>Authentic, but the idle timeout or the absolute lifetime has passed.</summary>
    Expired,

    /// <summary>Sealed under a key id the keyring does not hold (rotated out, or another site's key).</summary>
    UnknownKey,
}
