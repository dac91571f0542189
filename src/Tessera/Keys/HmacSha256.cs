using System.Security.Cryptography;

namespace Tessera.Keys;

/// <summary>
/// HMAC-SHA256 (RFC 2104) for short keys and messages on hot paths, with the same output as
/// <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>.
/// </summary>
/// <remarks>
/// On Linux with OpenSSL 3 the BCL's one-shot HMAC and SHA-256 set up (fetch) the algorithm on every call, which
/// costs several times the hashing itself. So: a per-request key is hashed as RFC 2104 spells it out, with a
/// per-thread SHA-256 context that is reset, not rebuilt; a long-lived key (<see cref="ComputeWithServerKey"/>) keeps
/// a per-thread HMAC context for the last key used. Keys over one block or long messages go to the BCL.
/// </remarks>
internal static class HmacSha256
{
    public const int HashLength = 32;
    public const int MaxMessageLength = 192;
    private const int BlockLength = 64;

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    [ThreadStatic]
    private static byte[]? t_serverKey;

    [ThreadStatic]
    private static IncrementalHash? t_serverHmac;

    /// <summary>HMAC with a key used once or rarely (a per-cookie data key).</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> destination)
    {
        if (key.Length > BlockLength || message.Length > MaxMessageLength)
        {
            HMACSHA256.HashData(key, message, destination);
            return;
        }

        Span<byte> pad = stackalloc byte[BlockLength];
        Span<byte> innerHash = stackalloc byte[HashLength];
        var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Pad(key, 0x36, pad);
        sha.AppendData(pad);
        sha.AppendData(message);
        sha.GetHashAndReset(innerHash);
        Pad(key, 0x5c, pad);
        sha.AppendData(pad);
        sha.AppendData(innerHash);
        sha.GetHashAndReset(destination);
        CryptographicOperations.ZeroMemory(pad);
        CryptographicOperations.ZeroMemory(innerHash);
    }

    public static byte[] Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        var result = new byte[HashLength];
        Compute(key, message, result);
        return result;
    }

    /// <summary>SHA-256 of short data through the per-thread context (a session's lookup id, on every request).</summary>
    public static byte[] Sha256(ReadOnlySpan<byte> data)
    {
        var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(data);
        return sha.GetHashAndReset();
    }

    /// <summary>HMAC with a long-lived server key (a keyring-derived PRK): the HMAC context is kept per thread.</summary>
    public static void ComputeWithServerKey(byte[] key, ReadOnlySpan<byte> message, Span<byte> destination)
    {
        var hmac = t_serverHmac;
        if (hmac is null || !ReferenceEquals(t_serverKey, key))
        {
            hmac?.Dispose();
            hmac = t_serverHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            t_serverKey = key;
        }

        hmac.AppendData(message);
        hmac.GetHashAndReset(destination);
    }

    private static void Pad(ReadOnlySpan<byte> key, byte fill, Span<byte> pad)
    {
        pad.Fill(fill);
        for (var i = 0; i < key.Length; i++)
        {
            pad[i] ^= key[i];
        }
    }
}
