using System.Buffers.Binary;

namespace Tessera.Crypto;

/// <summary>
/// Poly1305 one-time authenticator (RFC 8439 section 2.5), in the 26-bit-limb form of poly1305-donna: no
/// secret-dependent branches or table lookups.
/// </summary>
internal static class Poly1305
{
    public const int KeySize = 32;
    public const int TagSize = 16;

    /// <summary>Computes the 16-byte tag of <paramref name="message"/> under a one-time 32-byte key.</summary>
    public static void ComputeTag(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag)
    {
        const uint Mask = 0x3ffffff;
        uint r0 = BinaryPrimitives.ReadUInt32LittleEndian(key) & 0x3ffffff;
        uint r1 = (BinaryPrimitives.ReadUInt32LittleEndian(key[3..]) >> 2) & 0x3ffff03;
        uint r2 = (BinaryPrimitives.ReadUInt32LittleEndian(key[6..]) >> 4) & 0x3ffc0ff;
        uint r3 = (BinaryPrimitives.ReadUInt32LittleEndian(key[9..]) >> 6) & 0x3f03fff;
        uint r4 = (BinaryPrimitives.ReadUInt32LittleEndian(key[12..]) >> 8) & 0x00fffff;
        uint s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
        uint h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0;

        Span<byte> last = stackalloc byte[16];
        var offset = 0;
        while (offset < message.Length)
        {
            scoped ReadOnlySpan<byte> m;
            uint hibit;
            if (message.Length - offset >= 16)
            {
                m = message.Slice(offset, 16);
                hibit = 1u << 24;
            }
            else
            {
                // A short final block gets a 1 byte appended and zeros after it, and no high bit.
                last.Clear();
                message[offset..].CopyTo(last);
                last[message.Length - offset] = 1;
                m = last;
                hibit = 0;
            }

            offset += 16;
            h0 += BinaryPrimitives.ReadUInt32LittleEndian(m) & Mask;
            h1 += (BinaryPrimitives.ReadUInt32LittleEndian(m[3..]) >> 2) & Mask;
            h2 += (BinaryPrimitives.ReadUInt32LittleEndian(m[6..]) >> 4) & Mask;
            h3 += (BinaryPrimitives.ReadUInt32LittleEndian(m[9..]) >> 6) & Mask;
            h4 += (BinaryPrimitives.ReadUInt32LittleEndian(m[12..]) >> 8) | hibit;

            ulong d0 = ((ulong)h0 * r0) + ((ulong)h1 * s4) + ((ulong)h2 * s3) + ((ulong)h3 * s2) + ((ulong)h4 * s1);
            ulong d1 = ((ulong)h0 * r1) + ((ulong)h1 * r0) + ((ulong)h2 * s4) + ((ulong)h3 * s3) + ((ulong)h4 * s2);
            ulong d2 = ((ulong)h0 * r2) + ((ulong)h1 * r1) + ((ulong)h2 * r0) + ((ulong)h3 * s4) + ((ulong)h4 * s3);
            ulong d3 = ((ulong)h0 * r3) + ((ulong)h1 * r2) + ((ulong)h2 * r1) + ((ulong)h3 * r0) + ((ulong)h4 * s4);
            ulong d4 = ((ulong)h0 * r4) + ((ulong)h1 * r3) + ((ulong)h2 * r2) + ((ulong)h3 * r1) + ((ulong)h4 * r0);

            uint c = (uint)(d0 >> 26); h0 = (uint)d0 & Mask;
            d1 += c; c = (uint)(d1 >> 26); h1 = (uint)d1 & Mask;
            d2 += c; c = (uint)(d2 >> 26); h2 = (uint)d2 & Mask;
            d3 += c; c = (uint)(d3 >> 26); h3 = (uint)d3 & Mask;
            d4 += c; c = (uint)(d4 >> 26); h4 = (uint)d4 & Mask;
            h0 += c * 5; c = h0 >> 26; h0 &= Mask;
            h1 += c;
        }

        // Full carry, then compute h - p and keep it when it does not go negative.
        uint cc = h1 >> 26; h1 &= Mask;
        h2 += cc; cc = h2 >> 26; h2 &= Mask;
        h3 += cc; cc = h3 >> 26; h3 &= Mask;
        h4 += cc; cc = h4 >> 26; h4 &= Mask;
        h0 += cc * 5; cc = h0 >> 26; h0 &= Mask;
        h1 += cc;

        uint g0 = h0 + 5; cc = g0 >> 26; g0 &= Mask;
        uint g1 = h1 + cc; cc = g1 >> 26; g1 &= Mask;
        uint g2 = h2 + cc; cc = g2 >> 26; g2 &= Mask;
        uint g3 = h3 + cc; cc = g3 >> 26; g3 &= Mask;
        uint g4 = h4 + cc - (1u << 26);

        uint select = (g4 >> 31) - 1; // all ones when g >= p
        g0 &= select; g1 &= select; g2 &= select; g3 &= select; g4 &= select;
        select = ~select;
        h0 = (h0 & select) | g0;
        h1 = (h1 & select) | g1;
        h2 = (h2 & select) | g2;
        h3 = (h3 & select) | g3;
        h4 = (h4 & select) | g4;

        h0 = h0 | (h1 << 26);
        h1 = (h1 >> 6) | (h2 << 20);
        h2 = (h2 >> 12) | (h3 << 14);
        h3 = (h3 >> 18) | (h4 << 8);

        ulong f = (ulong)h0 + BinaryPrimitives.ReadUInt32LittleEndian(key[16..]);
        BinaryPrimitives.WriteUInt32LittleEndian(tag, (uint)f);
        f = (ulong)h1 + BinaryPrimitives.ReadUInt32LittleEndian(key[20..]) + (f >> 32);
        BinaryPrimitives.WriteUInt32LittleEndian(tag[4..], (uint)f);
        f = (ulong)h2 + BinaryPrimitives.ReadUInt32LittleEndian(key[24..]) + (f >> 32);
        BinaryPrimitives.WriteUInt32LittleEndian(tag[8..], (uint)f);
        f = (ulong)h3 + BinaryPrimitives.ReadUInt32LittleEndian(key[28..]) + (f >> 32);
        BinaryPrimitives.WriteUInt32LittleEndian(tag[12..], (uint)f);
    }
}
