using System.Buffers.Binary;
using System.Numerics;

namespace Tessera.Crypto;

/// <summary>
/// The Salsa20/20 core, HSalsa20 and the XSalsa20 key stream (D. J. Bernstein), as libsodium's
/// crypto_secretbox uses them. .NET has no Salsa20; this is small, allocation-free and checked against libsodium
/// (python3-nacl) in the tests.
/// </summary>
internal static class Salsa20
{
    // "expand 32-byte k" as four little-endian words.
    private const uint Sigma0 = 0x61707865;
    private const uint Sigma1 = 0x3320646e;
    private const uint Sigma2 = 0x79622d32;
    private const uint Sigma3 = 0x6b206574;

    /// <summary>HSalsa20: a 32-byte subkey from a 32-byte key and a 16-byte nonce.</summary>
    public static void HSalsa20(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce16, Span<byte> subkey)
    {
        Span<uint> x = stackalloc uint[16];
        Setup(x, key, nonce16[..8], BinaryPrimitives.ReadUInt32LittleEndian(nonce16[8..]), BinaryPrimitives.ReadUInt32LittleEndian(nonce16[12..]));
        DoubleRounds(x);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey, x[0]);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[4..], x[5]);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[8..], x[10]);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[12..], x[15]);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[16..], x[6]);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[20..], x[7]);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[24..], x[8]);
        BinaryPrimitives.WriteUInt32LittleEndian(subkey[28..], x[9]);
    }

    /// <summary>
    /// XORs <paramref name="input"/> with the Salsa20/20 key stream of (<paramref name="key"/>, 8-byte
    /// <paramref name="nonce8"/>), starting <paramref name="skip"/> bytes into the stream (block counter 0).
    /// </summary>
    public static void XorKeyStream(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce8, int skip, ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<uint> state = stackalloc uint[16];
        Span<uint> x = stackalloc uint[16];
        Span<byte> block = stackalloc byte[64];
        ulong counter = (ulong)(skip / 64);
        var offsetInBlock = skip % 64;
        var done = 0;
        while (done < input.Length)
        {
            Setup(state, key, nonce8, (uint)counter, (uint)(counter >> 32));
            state.CopyTo(x);
            DoubleRounds(x);
            for (var i = 0; i < 16; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(block[(4 * i)..], x[i] + state[i]);
            }

            var n = Math.Min(64 - offsetInBlock, input.Length - done);
            for (var i = 0; i < n; i++)
            {
                output[done + i] = (byte)(input[done + i] ^ block[offsetInBlock + i]);
            }

            done += n;
            offsetInBlock = 0;
            counter++;
        }

        block.Clear();
        x.Clear();
    }

    private static void Setup(Span<uint> s, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce8, uint w8, uint w9)
    {
        s[0] = Sigma0;
        s[1] = BinaryPrimitives.ReadUInt32LittleEndian(key);
        s[2] = BinaryPrimitives.ReadUInt32LittleEndian(key[4..]);
        s[3] = BinaryPrimitives.ReadUInt32LittleEndian(key[8..]);
        s[4] = BinaryPrimitives.ReadUInt32LittleEndian(key[12..]);
        s[5] = Sigma1;
        s[6] = BinaryPrimitives.ReadUInt32LittleEndian(nonce8);
        s[7] = BinaryPrimitives.ReadUInt32LittleEndian(nonce8[4..]);
        s[8] = w8;
        s[9] = w9;
        s[10] = Sigma2;
        s[11] = BinaryPrimitives.ReadUInt32LittleEndian(key[16..]);
        s[12] = BinaryPrimitives.ReadUInt32LittleEndian(key[20..]);
        s[13] = BinaryPrimitives.ReadUInt32LittleEndian(key[24..]);
        s[14] = BinaryPrimitives.ReadUInt32LittleEndian(key[28..]);
        s[15] = Sigma3;
    }

    private static void DoubleRounds(Span<uint> x)
    {
        uint x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5], x6 = x[6], x7 = x[7];
        uint x8 = x[8], x9 = x[9], x10 = x[10], x11 = x[11], x12 = x[12], x13 = x[13], x14 = x[14], x15 = x[15];
        for (var i = 0; i < 10; i++)
        {
            // Column round.
            x4 ^= BitOperations.RotateLeft(x0 + x12, 7);
            x8 ^= BitOperations.RotateLeft(x4 + x0, 9);
            x12 ^= BitOperations.RotateLeft(x8 + x4, 13);
            x0 ^= BitOperations.RotateLeft(x12 + x8, 18);
            x9 ^= BitOperations.RotateLeft(x5 + x1, 7);
            x13 ^= BitOperations.RotateLeft(x9 + x5, 9);
            x1 ^= BitOperations.RotateLeft(x13 + x9, 13);
            x5 ^= BitOperations.RotateLeft(x1 + x13, 18);
            x14 ^= BitOperations.RotateLeft(x10 + x6, 7);
            x2 ^= BitOperations.RotateLeft(x14 + x10, 9);
            x6 ^= BitOperations.RotateLeft(x2 + x14, 13);
            x10 ^= BitOperations.RotateLeft(x6 + x2, 18);
            x3 ^= BitOperations.RotateLeft(x15 + x11, 7);
            x7 ^= BitOperations.RotateLeft(x3 + x15, 9);
            x11 ^= BitOperations.RotateLeft(x7 + x3, 13);
            x15 ^= BitOperations.RotateLeft(x11 + x7, 18);

            // Row round.
            x1 ^= BitOperations.RotateLeft(x0 + x3, 7);
            x2 ^= BitOperations.RotateLeft(x1 + x0, 9);
            x3 ^= BitOperations.RotateLeft(x2 + x1, 13);
            x0 ^= BitOperations.RotateLeft(x3 + x2, 18);
            x6 ^= BitOperations.RotateLeft(x5 + x4, 7);
            x7 ^= BitOperations.RotateLeft(x6 + x5, 9);
            x4 ^= BitOperations.RotateLeft(x7 + x6, 13);
            x5 ^= BitOperations.RotateLeft(x4 + x7, 18);
            x11 ^= BitOperations.RotateLeft(x10 + x9, 7);
            x8 ^= BitOperations.RotateLeft(x11 + x10, 9);
            x9 ^= BitOperations.RotateLeft(x8 + x11, 13);
            x10 ^= BitOperations.RotateLeft(x9 + x8, 18);
            x12 ^= BitOperations.RotateLeft(x15 + x14, 7);
            x13 ^= BitOperations.RotateLeft(x12 + x15, 9);
            x14 ^= BitOperations.RotateLeft(x13 + x12, 13);
            x15 ^= BitOperations.RotateLeft(x14 + x13, 18);
        }

        x[0] = x0; x[1] = x1; x[2] = x2; x[3] = x3; x[4] = x4; x[5] = x5; x[6] = x6; x[7] = x7;
        x[8] = x8; x[9] = x9; x[10] = x10; x[11] = x11; x[12] = x12; x[13] = x13; x[14] = x14; x[15] = x15;
    }
}
