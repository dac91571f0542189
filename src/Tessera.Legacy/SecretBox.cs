using System.Security.Cryptography;

namespace Tessera.Legacy;

/// <summary>
/// libsodium's <c>crypto_secretbox_easy</c> (XSalsa20-Poly1305) through Sodium.Core, combined form
/// <c>tag(16) || ciphertext</c>: what PyNaCl's <c>SecretBox</c> calls (it prepends the 24-byte nonce).
/// </summary>
internal static class SecretBox
{
    public const int KeySize = 32;
    public const int NonceSize = 24;
    public const int TagSize = 16;

    /// <summary>Seals <paramref name="message"/>: returns <c>TagSize + message.Length</c> bytes.</summary>
    public static byte[] Seal(byte[] key, byte[] nonce, byte[] message) => Sodium.SecretBox.Create(message, nonce, key);

    /// <summary>Opens a combined box; null when the tag does not match (libsodium checks it before decrypting).</summary>
    public static byte[]? TryOpen(byte[] key, byte[] nonce, byte[] box)
    {
        if (box.Length < TagSize)
        {
            return null;
        }

        try
        {
            return Sodium.SecretBox.Open(box, nonce, key);
        }
        catch (CryptographicException)
        {
            return null; // Sodium.Core's only signal for a tag mismatch.
        }
    }
}
