using FsCheck;
using FsCheck.Fluent;
using Tessera.Crypto;

namespace Tessera.Tests.Crypto;

public sealed class SecretBoxTests
{
    [Fact]
    public void Poly1305_Rfc8439Vector_MatchesTag()
    {
        // RFC 8439 section 2.5.2.
        var key = Convert.FromHexString("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        var message = "Cryptographic Forum Research Group"u8;
        var tag = new byte[16];

        Poly1305.ComputeTag(key, message, tag);

        Assert.Equal("a8061dc1305136c6c22b8baf0c0127a9", Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void Poly1305_RandomAndEdgeInputs_MatchArbitraryPrecisionReference()
    {
        // Edge: h close to p = 2^130 - 5 (all-ones blocks) with r = 1, where the final reduction matters.
        var edgeKey = Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000000");
        var edge = Convert.FromHexString("fbffffffffffffffffffffffffffffff" + "ffffffffffffffffffffffffffffffff" + "01000000000000000000000000000000");
        Assert.Equal(Poly1305Reference(edgeKey, edge), Tag(edgeKey, edge));

        var gen = from length in Gen.Choose(0, 300)
                  from key in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 32)
                  from message in Gen.ArrayOf(Gen.Elements<byte>(0, 1, 0x7f, 0x80, 0xfe, 0xff, 0x5a), length)
                  select (key, message);
        Prop.ForAll(gen.ToArbitrary(), t => Tag(t.key, t.message) == Poly1305Reference(t.key, t.message)).QuickCheckThrowOnFailure();
    }

    private static string Tag(byte[] key, byte[] message)
    {
        var tag = new byte[16];
        Poly1305.ComputeTag(key, message, tag);
        return Convert.ToHexStringLower(tag);
    }

    [Fact]
    public void Salsa20_HSalsa20_MatchesNaClTestVector()
    {
        // NaCl's tests/core1: HSalsa20 of the shared secret with a zero nonce.
        var shared = Convert.FromHexString("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        var subkey = new byte[32];

        Salsa20.HSalsa20(shared, new byte[16], subkey);

        Assert.Equal("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389", Convert.ToHexStringLower(subkey));
    }

    [Fact]
    public void SecretBox_NaClBoxVector_MatchesCiphertext()
    {
        // NaCl's tests/secretbox (the "firstkey" vector from the NaCl paper).
        var key = Convert.FromHexString("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
        var nonce = Convert.FromHexString("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
        var message = Convert.FromHexString(
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");
        var box = new byte[16 + message.Length];

        SecretBox.Seal(key, nonce, message, box);

        Assert.Equal("f3ffc7703f9400e52a7dfb4b3d3305d9", Convert.ToHexStringLower(box[..16]));
        Assert.StartsWith("8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a", Convert.ToHexStringLower(box[16..]));
        var opened = new byte[message.Length];
        Assert.True(SecretBox.TryOpen(key, nonce, box, opened));
        Assert.Equal(message, opened);
    }

    [Fact]
    public void SecretBox_TamperedTag_DoesNotOpenAndWritesNothing()
    {
        var key = new byte[32];
        var nonce = new byte[24];
        var box = new byte[16 + 5];
        SecretBox.Seal(key, nonce, "hello"u8, box);
        box[0] ^= 1;
        var opened = new byte[5];

        Assert.False(SecretBox.TryOpen(key, nonce, box, opened));
        Assert.Equal(new byte[5], opened);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(4000)]
    public void SecretBox_SealOpen_RoundTripsEveryLength(int length)
    {
        var rng = new Random(length);
        var key = new byte[32];
        var nonce = new byte[24];
        var message = new byte[length];
        rng.NextBytes(key);
        rng.NextBytes(nonce);
        rng.NextBytes(message);
        var box = new byte[16 + length];
        SecretBox.Seal(key, nonce, message, box);
        var opened = new byte[length];

        Assert.True(SecretBox.TryOpen(key, nonce, box, opened));
        Assert.Equal(message, opened);
    }

    [Fact]
    public void AesCtr_Nist80038aF55_MatchesFromZeroCounterBlockOffset()
    {
        // Our counter starts at zero (Beaker's); check the keystream against AES-ECB of the counter blocks directly.
        var key = Convert.FromHexString("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        var zeros = new byte[48];
        var stream = new byte[48];

        AesCtr.Transform(key, zeros, stream);

        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        var counters = new byte[48];
        counters[15] = 0;
        counters[31] = 1;
        counters[47] = 2;
        Assert.Equal(aes.EncryptEcb(counters, System.Security.Cryptography.PaddingMode.None), stream);
    }

    private static string Poly1305Reference(byte[] key, byte[] message)
    {
        // Arbitrary-precision Poly1305 (RFC 8439 2.5.1 pseudocode) as an independent reference.
        var r = new System.Numerics.BigInteger(key.AsSpan(0, 16), isUnsigned: true) & System.Numerics.BigInteger.Parse("0ffffffc0ffffffc0ffffffc0fffffff", System.Globalization.NumberStyles.HexNumber);
        var s = new System.Numerics.BigInteger(key.AsSpan(16, 16), isUnsigned: true);
        var p = (System.Numerics.BigInteger.One << 130) - 5;
        var acc = System.Numerics.BigInteger.Zero;
        for (var i = 0; i < message.Length; i += 16)
        {
            var block = message.AsSpan(i, Math.Min(16, message.Length - i)).ToArray().Append((byte)1).ToArray();
            acc = (acc + new System.Numerics.BigInteger(block, isUnsigned: true)) * r % p;
        }

        var tag = ((acc + s) & ((System.Numerics.BigInteger.One << 128) - 1)).ToByteArray(isUnsigned: true);
        var padded = new byte[16];
        tag.AsSpan(0, Math.Min(16, tag.Length)).CopyTo(padded);
        return Convert.ToHexStringLower(padded);
    }
}
