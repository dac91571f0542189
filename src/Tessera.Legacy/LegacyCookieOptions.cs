namespace Tessera.Legacy;

/// <summary>
/// Legacy Python session cookies accepted once and re-issued in Tessera's format, bound from the
/// <c>Tessera:Legacy</c> configuration section by <c>AddLegacyCookies</c>. Leave a cookie name unset to not read that
/// format.
/// </summary>
public sealed class LegacyCookieOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Tessera:Legacy";

    /// <summary>The Beaker cookie name (<c>session.key</c>), e.g. <c>beaker.session.id</c>.</summary>
    /// <value>The default is <see langword="null"/>: Beaker cookies are not read.</value>
    public string? BeakerCookieName { get; set; }

    /// <summary>Beaker's <c>session.validate_key</c> (text, as in the .ini file).</summary>
    /// <value>The default is <see langword="null"/>; required when <see cref="BeakerCookieName"/> is set.</value>
    public string? BeakerValidateKey { get; set; }

    /// <summary>Beaker's <c>session.encrypt_key</c> (text), when the Beaker site encrypted its cookies.</summary>
    /// <value>The default is <see langword="null"/>: signed-only cookies.</value>
    public string? BeakerEncryptKey { get; set; }

    /// <summary>Beaker's <c>session.crypto_type</c>: <c>default</c> (AES-CTR) or <c>cryptography</c> (AES-GCM).</summary>
    /// <value>The default is <c>default</c>.</value>
    public string BeakerCryptoType { get; set; } = "default";

    /// <summary>Beaker's <c>session.timeout</c>: a Beaker cookie idle longer than this is not migrated.</summary>
    /// <value>The default is <see langword="null"/>: no idle limit, as Beaker without a timeout.</value>
    public TimeSpan? BeakerTimeout { get; set; }

    /// <summary>The pyramid_nacl_session cookie name, e.g. <c>session</c>.</summary>
    /// <value>The default is <see langword="null"/>: pyramid_nacl_session cookies are not read.</value>
    public string? PyramidCookieName { get; set; }

    /// <summary>The pyramid_nacl_session secret: 32 bytes as 64 hex digits (or base64).</summary>
    /// <value>The default is <see langword="null"/>; required when <see cref="PyramidCookieName"/> is set.</value>
    public string? PyramidSecret { get; set; }

    /// <summary>pyramid_nacl_session's <c>timeout</c>: a cookie idle longer than this is not migrated.</summary>
    /// <value>The default is 20 minutes, Pyramid's default.</value>
    public TimeSpan? PyramidTimeout { get; set; } = TimeSpan.FromSeconds(1200);
}
