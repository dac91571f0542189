namespace Tessera.Legacy;

/// <summary>
/// Beaker's AES backend. Nothing in the cookie says which one wrote it: it must match the peer's <c>crypto_type</c>.
/// </summary>
public enum BeakerCrypto
{
    /// <summary>AES-256-CTR with a zero counter, no tag: <c>crypto_type = default</c> with pycryptodome (Beaker's default).</summary>
    Ctr = 0,

    /// <summary>AES-256-GCM laid out IV(12) || tag(16) || ciphertext: <c>crypto_type = cryptography</c>.</summary>
    Gcm,
}
