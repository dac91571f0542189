using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Tessera.Legacy;

/// <summary>
/// AES-256-CTR with a 128-bit big-endian counter block starting at zero, as pycryptodome's
/// <c>AES.new(key, AES.MODE_CTR, counter=Counter.new(128, initial_value=0))</c> (Beaker's default backend) does:
/// BouncyCastle's <c>SicBlockCipher</c> with a zero IV. Safe only because every Beaker message has its own derived key.
/// </summary>
internal static class AesCtr
{
    private const int BlockSize = 16;

    /// <summary>XORs <paramref name="input"/> with the key stream (encrypts and decrypts).</summary>
    public static byte[] Transform(byte[] key, ReadOnlySpan<byte> input)
    {
        var cipher = new BufferedBlockCipher(new SicBlockCipher(AesUtilities.CreateEngine()));
        cipher.Init(forEncryption: true, new ParametersWithIV(new KeyParameter(key), new byte[BlockSize]));
        var output = new byte[input.Length];
        var written = cipher.ProcessBytes(input, output);
        cipher.DoFinal(output.AsSpan(written));
        return output;
    }
}
