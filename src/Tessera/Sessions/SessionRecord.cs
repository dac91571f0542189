namespace Tessera.Sessions;

/// <summary>What a store keeps for one session. Everything but the timestamps and version is opaque to the store.</summary>
/// <param name="Key">The lookup key: a hash of the session id, never the id itself.</param>
/// <param name="Version">Incremented by every save; a save names the version it read (optimistic concurrency).</param>
/// <param name="Data">The session sealed with a key derived from the cookie-held data key.</param>
/// <param name="ExpiresAt">When the store must start reporting the record as missing (the earlier of idle and absolute expiry).</param>
/// <param name="UserTag">A keyed hash of the signed-in user's id, for <see cref="IUserSessionIndex"/>; <see langword="null"/> when anonymous.</param>
/// <param name="Listing">What the user's session list shows (created, last seen, IP, user agent), sealed with a server key.</param>
public sealed record SessionRecord(
    SessionKey Key,
    long Version,
    ReadOnlyMemory<byte> Data,
    DateTimeOffset ExpiresAt,
    string? UserTag = null,
    ReadOnlyMemory<byte> Listing = default);
