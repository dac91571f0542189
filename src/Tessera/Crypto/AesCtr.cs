using System.Security.Cryptography;

namespace Tessera.Crypto;

/// <summary>
/// AES-256-CTR with a 128-bit big-endian counter block starting at zero, as pycryptodome's
/// <c>AES.new(key, AES.MODE_CTR, counter=Counter.new(128, initial_value=0))</c> (Beaker's default backend) does.
/// .NET has no CTR mode: the counter blocks are encrypted with ECB and XORed in. Safe only because every Beaker
/// message has its own derived key.
/// </summary>
internal static class AesCtr
{
    /// <summary>XORs <paramref name="input"/> with the key stream into <paramref name="output"/> (encrypts and decrypts).</summary>
    public static void Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("The output is shorter than the input.", nameof(output));
        }

        var blocks = (input.Length + 15) / 16;
        var stream = new byte[blocks * 16];
        for (var i = 0; i < blocks; i++)
        {
            // Big-endian 128-bit counter; 2^32 blocks (64 GiB) is far beyond any cookie, so the low 4 bytes suffice.
            var n = (uint)i;
            stream[(i * 16) + 12] = (byte)(n >> 24);
            stream[(i * 16) + 13] = (byte)(n >> 16);
            stream[(i * 16) + 14] = (byte)(n >> 8);
            stream[(i * 16) + 15] = (byte)n;
        }

        using (var aes = Aes.Create())
        {
            aes.Key = key.ToArray();
            aes.EncryptEcb(stream, stream, PaddingMode.None);
        }

        for (var i = 0; i < input.Length; i++)
        {
            output[i] = (byte)(input[i] ^ stream[i]);
        }

        CryptographicOperations.ZeroMemory(stream);
    }
}
