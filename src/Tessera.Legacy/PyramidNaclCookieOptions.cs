namespace Tessera.Legacy;

/// <summary>
/// Settings of a pyramid_nacl_session <c>EncryptedCookieSessionFactory</c> with <c>serializer = json</c>. They must
/// match the Python side's settings.
/// </summary>
public sealed class PyramidNaclCookieOptions
{
    /// <summary>The 32-byte secretbox key (<c>session.secret</c>, given there as 64 hex characters).</summary>
    /// <value>Required; there is no default.</value>
    public byte[]? Secret { get; set; }

    /// <summary><c>timeout</c>: idle timeout counted from the renewed time. Null never expires.</summary>
    /// <value>The default is 1200 seconds, as Pyramid's.</value>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromSeconds(1200);

    /// <summary>
    /// <c>reissue_time</c>: a read re-issues the cookie when <c>int(now) - renewed</c> is greater than this. Null never
    /// re-issues on reads.
    /// </summary>
    /// <value>The default is zero, as Pyramid's: any read in a later second re-issues.</value>
    public TimeSpan? ReissueTime { get; set; } = TimeSpan.Zero;
}
