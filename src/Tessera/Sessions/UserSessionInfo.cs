namespace Tessera.Sessions;

/// <summary>One entry of a user's session list. Never carries the handle: <see cref="Fingerprint"/> identifies it for revocation.</summary>
/// <param name="Fingerprint">The session's <see cref="SessionKey.Fingerprint"/>.</param>
/// <param name="CreatedAt">When the session began.</param>
/// <param name="LastSeenAt">When it was last saved or touched.</param>
/// <param name="ExpiresAt">When the store will drop it if untouched.</param>
/// <param name="ClientIp">The client IP recorded at the last save, if any.</param>
/// <param name="UserAgent">The User-Agent recorded at the last save, if any.</param>
/// <param name="IsCurrent">True for the session the listing was asked from.</param>
public sealed record UserSessionInfo(
    string Fingerprint,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt,
    string? ClientIp,
    string? UserAgent,
    bool IsCurrent);
