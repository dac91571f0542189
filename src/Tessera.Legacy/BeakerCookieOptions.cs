namespace Tessera.Legacy;

/// <summary>
/// Settings of a Beaker cookie session (<c>session.type = cookie</c>, <c>data_serializer = json</c>). They must match
/// the Python side's <c>session.*</c> settings. Keys are the peer's as configured there: legacy keys of any length are
/// accepted for this format (never for Tessera's own).
/// </summary>
public sealed class BeakerCookieOptions
{
    /// <summary><c>validate_key</c>: the HMAC-SHA1 key (UTF-8; ASCII when <see cref="EncryptKey"/> is set).</summary>
    /// <value>Required; there is no default.</value>
    public string? ValidateKey { get; set; }

    /// <summary><c>encrypt_key</c>: when set, the session is encrypted (ASCII text).</summary>
    /// <value>The default is null: signed only, readable by anyone holding the cookie.</value>
    public string? EncryptKey { get; set; }

    /// <summary>The AES backend the Python side uses (<c>crypto_type</c>).</summary>
    /// <value>The default is <see cref="BeakerCrypto.Ctr"/>, Beaker's default backend with pycryptodome.</value>
    public BeakerCrypto Crypto { get; set; } = BeakerCrypto.Ctr;

    /// <summary><c>encrypt_nonce_bits</c>: a multiple of 8 (48 is the pre-1.8 legacy value).</summary>
    /// <value>The default is 128.</value>
    public int NonceBits { get; set; } = 128;

    /// <summary><c>timeout</c>: the idle timeout, counted from <c>_accessed_time</c>. Null never expires.</summary>
    /// <value>The default is null, as Beaker's.</value>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Re-issue when the last write is older than this. Beaker itself re-issues on every load.</summary>
    /// <value>The default is zero: re-issue whenever the session is read in a later instant.</value>
    public TimeSpan? ReissueTime { get; set; } = TimeSpan.Zero;

    /// <summary><c>cookie_path</c>: stored in the data as <c>_path</c> and used as Path.</summary>
    /// <value>The default is <c>/</c>.</value>
    public string Path { get; set; } = "/";

    /// <summary><c>cookie_domain</c>: stored in the data as <c>_domain</c> and used as Domain.</summary>
    /// <value>The default is null.</value>
    public string? Domain { get; set; }
}
