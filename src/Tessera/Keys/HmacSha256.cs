using System.Security.Cryptography;

namespace Tessera.Keys;

/// <summary>HMAC-SHA256 and SHA-256 on hot paths, all computed by the BCL (OpenSSL on Linux): nothing is hashed here.</summary>
/// <remarks>
/// On Linux with OpenSSL 3 the BCL's one-shot SHA-256 and HMAC set up (fetch) the algorithm on every call, which costs
/// several times the hashing itself. So a SHA-256 context is kept per thread and reset, not rebuilt, and a long-lived key
/// (<see cref="ComputeWithServerKey"/>) keeps a per-thread HMAC context for the last key used. A key used once (a
/// cookie's data key) goes to the one-shot <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>.
/// </remarks>
internal static class HmacSha256
{
    public const int HashLength = 32;

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    [ThreadStatic]
    private static byte[]? t_serverKey;

    [ThreadStatic]
    private static IncrementalHash? t_serverHmac;

    /// <summary>HMAC with a key used once or rarely (a per-cookie data key).</summary>
    public static byte[] Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message) => HMACSHA256.HashData(key, message);

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
}
