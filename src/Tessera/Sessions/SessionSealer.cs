using System.Security.Cryptography;
using System.Text;
using Tessera.Keys;

namespace Tessera.Sessions;

/// <summary>
/// AES-256-GCM sealing of session data and listings.
/// </summary>
/// <remarks>
/// Sealed layout: <c>version (1 byte, 0x01) | nonce (12) | tag (16) | ciphertext</c>; the associated data is
/// the version byte followed by the 32 bytes of the <see cref="SessionKey"/>, so a record moved under another
/// key does not open. Data keys come from HKDF-SHA256-Expand over the cookie-held key (info
/// <c>tessera/session-data/v1</c>); the extract step is skipped because the cookie key is already 256 uniformly
/// random bits (RFC 5869, section 3.3), which saves two HMAC computations per request.
/// </remarks>
internal static class SessionSealer
{
    public const byte Version = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int Overhead = 1 + NonceLength + TagLength;
    // HKDF-Expand with L = 32 is a single HMAC over info || 0x01.
    private static readonly byte[] DataInfoBlock = [.. Encoding.ASCII.GetBytes("tessera/session-data/v1"), 0x01];

    public static byte[] DeriveDataKey(ReadOnlySpan<byte> cookieKey) => HmacSha256.Compute(cookieKey, DataInfoBlock);

    public static AesGcm CreateCipher(byte[] key) => new(key, TagLength);

    public static byte[] Seal(byte[] key, SessionKey sessionKey, ReadOnlySpan<byte> plaintext)
    {
        using var aes = CreateCipher(key);
        return Seal(aes, sessionKey, plaintext);
    }

    public static byte[]? Open(byte[] key, SessionKey sessionKey, ReadOnlySpan<byte> sealedData)
    {
        using var aes = CreateCipher(key);
        return Open(aes, sessionKey, sealedData);
    }

    public static byte[] Seal(AesGcm aes, SessionKey sessionKey, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[Overhead + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceLength);
        RandomPool.Fill(nonce);
        Span<byte> aad = stackalloc byte[1 + SessionKey.Length];
        aad[0] = Version;
        sessionKey.Bytes.CopyTo(aad[1..]);
        aes.Encrypt(nonce, plaintext, output.AsSpan(Overhead), output.AsSpan(1 + NonceLength, TagLength), aad);
        return output;
    }

    public static byte[]? Open(AesGcm aes, SessionKey sessionKey, ReadOnlySpan<byte> sealedData)
    {
        if (sealedData.Length < Overhead || sealedData[0] != Version)
        {
            return null;
        }

        Span<byte> aad = stackalloc byte[1 + SessionKey.Length];
        aad[0] = Version;
        sessionKey.Bytes.CopyTo(aad[1..]);
        var plaintext = new byte[sealedData.Length - Overhead];
        try
        {
            aes.Decrypt(sealedData.Slice(1, NonceLength), sealedData[Overhead..], sealedData.Slice(1 + NonceLength, TagLength), plaintext, aad);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
