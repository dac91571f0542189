using System.Buffers.Text;
using System.Security.Cryptography;

namespace Tessera.Sessions;

/// <summary>
/// What the cookie carries for a server-side session: a random lookup id (128 bits) and a random data key
/// (256 bits). The store only ever sees <see cref="Key"/>, a hash of the id, and data sealed under a key derived
/// from the data key; so a copy of the store can neither read a session nor build a cookie for one.
/// </summary>
/// <remarks>
/// Cookie value layout (base64url without padding, 66 characters):
/// <c>version (1 byte, 0x01) | lookup id (16 bytes) | data key (32 bytes)</c>.
/// </remarks>
public sealed class SessionHandle
{
    /// <summary>Length of the lookup id in bytes.</summary>
    public const int LookupIdLength = 16;

    /// <summary>Length of the data key in bytes.</summary>
    public const int DataKeyLength = 32;

    /// <summary>Length of a cookie value in characters.</summary>
    public const int CookieValueLength = 66;

    private const byte FormatVersion = 1;
    private const int RawLength = 1 + LookupIdLength + DataKeyLength;

    // The lookup id then the data key, in one array (one allocation per parsed cookie, not two).
    private readonly byte[] _secret;
    private string? _cookieValue;

    private SessionHandle(byte[] secret)
    {
        _secret = secret;
        Key = SessionKey.FromLookupId(LookupId);
    }

    /// <summary>The store key: SHA-256 of the lookup id.</summary>
    public SessionKey Key { get; }

    /// <summary>A short, non-secret label for logs: <see cref="SessionKey.Fingerprint"/>.</summary>
    public string Fingerprint => Key.Fingerprint;

    /// <summary>The random lookup id (secret: never log it).</summary>
    internal ReadOnlySpan<byte> LookupId => _secret.AsSpan(0, LookupIdLength);

    /// <summary>The random data key (secret: never log it).</summary>
    internal ReadOnlySpan<byte> DataKey => _secret.AsSpan(LookupIdLength);

    /// <summary>Creates a handle with a fresh id and key from <see cref="RandomNumberGenerator"/> (drawn in blocks, see RandomPool).</summary>
    public static SessionHandle Create() => new(RandomPool.GetBytes(LookupIdLength + DataKeyLength));

    /// <summary>Parses a cookie value; false for anything that is not exactly a handle of this format.</summary>
    public static bool TryParse(string? cookieValue, out SessionHandle? handle)
    {
        handle = null;
        if (cookieValue is null || cookieValue.Length != CookieValueLength)
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[RawLength];
        if (Base64Url.DecodeFromChars(cookieValue, raw, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != CookieValueLength || written != RawLength || raw[0] != FormatVersion)
        {
            return false;
        }

        handle = new SessionHandle(raw[1..].ToArray());
        handle._cookieValue = cookieValue;
        return true;
    }

    /// <summary>The cookie value (secret: never log it).</summary>
    public string ToCookieValue()
    {
        if (_cookieValue is null)
        {
            Span<byte> raw = stackalloc byte[RawLength];
            raw[0] = FormatVersion;
            _secret.CopyTo(raw[1..]);
            _cookieValue = Base64Url.EncodeToString(raw);
        }

        return _cookieValue;
    }

    /// <summary>Returns the fingerprint only, so a handle printed by accident leaks nothing.</summary>
    public override string ToString() => Fingerprint;
}
