using System.Security.Cryptography;

namespace Tessera.Crypto;

/// <summary>
/// NaCl crypto_secretbox (XSalsa20-Poly1305), combined form: <c>tag(16) || ciphertext</c>. Byte-compatible with
/// libsodium's <c>crypto_secretbox_easy</c> and PyNaCl's <c>SecretBox</c> (which prepends the 24-byte nonce).
/// </summary>
internal static class SecretBox
{
    public const int KeySize = 32;
    public const int NonceSize = 24;
    public const int TagSize = 16;

    /// <summary>Seals <paramref name="message"/> into <paramref name="box"/> (<c>TagSize + message.Length</c> bytes).</summary>
    public static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> message, Span<byte> box)
    {
        CheckSizes(key, nonce);
        if (box.Length != TagSize + message.Length)
        {
            throw new ArgumentException("The box must be 16 bytes longer than the message.", nameof(box));
        }

        Span<byte> subkey = stackalloc byte[32];
        Span<byte> polyKey = stackalloc byte[32];
        Salsa20.HSalsa20(key, nonce[..16], subkey);
        Salsa20.XorKeyStream(subkey, nonce[16..], 0, stackalloc byte[32], polyKey);
        var ciphertext = box[TagSize..];
        Salsa20.XorKeyStream(subkey, nonce[16..], 32, message, ciphertext);
        Poly1305.ComputeTag(polyKey, ciphertext, box[..TagSize]);
        CryptographicOperations.ZeroMemory(subkey);
        CryptographicOperations.ZeroMemory(polyKey);
    }

    /// <summary>
    /// Opens a combined box into <paramref name="message"/> (<c>box.Length - TagSize</c> bytes). The tag is checked in
    /// constant time before anything is decrypted; false when it does not match.
    /// </summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> box, Span<byte> message)
    {
        CheckSizes(key, nonce);
        if (box.Length < TagSize || message.Length != box.Length - TagSize)
        {
            return false;
        }

        Span<byte> subkey = stackalloc byte[32];
        Span<byte> polyKey = stackalloc byte[32];
        Span<byte> tag = stackalloc byte[TagSize];
        Salsa20.HSalsa20(key, nonce[..16], subkey);
        Salsa20.XorKeyStream(subkey, nonce[16..], 0, stackalloc byte[32], polyKey);
        Poly1305.ComputeTag(polyKey, box[TagSize..], tag);
        var ok = CryptographicOperations.FixedTimeEquals(tag, box[..TagSize]);
        if (ok)
        {
            Salsa20.XorKeyStream(subkey, nonce[16..], 32, box[TagSize..], message);
        }

        CryptographicOperations.ZeroMemory(subkey);
        CryptographicOperations.ZeroMemory(polyKey);
        return ok;
    }

    private static void CheckSizes(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A secretbox key is {KeySize} bytes, not {key.Length}.", nameof(key));
        }

        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException($"A secretbox nonce is {NonceSize} bytes, not {nonce.Length}.", nameof(nonce));
        }
    }
}
