using System.Security.Cryptography;

namespace Tessera.Keys;

/// <summary>
/// HMAC-SHA256 (RFC 2104) built from two one-shot SHA-256 calls, for short keys and messages on hot paths.
/// </summary>
/// <remarks>
/// Same output as <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>, but on
/// Linux with OpenSSL 3 the one-shot HMAC fetches the MAC implementation on every call, which costs several times
/// the two hashes. Keys up to one block (64 bytes) and messages up to <see cref="MaxMessageLength"/> bytes take the
/// fast path (stack buffers, wiped); anything longer goes to the BCL.
/// </remarks>
internal static class HmacSha256
{
    public const int HashLength = 32;
    public const int MaxMessageLength = 192;
    private const int BlockLength = 64;

    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> destination)
    {
        if (key.Length > BlockLength || message.Length > MaxMessageLength)
        {
            HMACSHA256.HashData(key, message, destination);
            return;
        }

        Span<byte> inner = stackalloc byte[BlockLength + MaxMessageLength];
        Span<byte> outer = stackalloc byte[BlockLength + HashLength];
        inner[..BlockLength].Fill(0x36);
        outer[..BlockLength].Fill(0x5c);
        for (var i = 0; i < key.Length; i++)
        {
            inner[i] ^= key[i];
            outer[i] ^= key[i];
        }

        message.CopyTo(inner[BlockLength..]);
        SHA256.HashData(inner[..(BlockLength + message.Length)], outer[BlockLength..]);
        SHA256.HashData(outer, destination);
        CryptographicOperations.ZeroMemory(inner[..(BlockLength + message.Length)]);
        CryptographicOperations.ZeroMemory(outer);
    }

    public static byte[] Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        var result = new byte[HashLength];
        Compute(key, message, result);
        return result;
    }
}
