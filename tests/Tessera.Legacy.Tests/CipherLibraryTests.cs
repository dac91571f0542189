namespace Tessera.Legacy.Tests;

/// <summary>How the libraries are called: libsodium's secretbox layout and BouncyCastle's CTR counter (Beaker's zero start).</summary>
public sealed class CipherLibraryTests
{
    [Fact]
    public void SecretBox_NaClBoxVector_MatchesCiphertext()
    {
        // NaCl's tests/secretbox (the "firstkey" vector from the NaCl paper).
        var key = Convert.FromHexString("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
        var nonce = Convert.FromHexString("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
        var message = Convert.FromHexString(
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");
        var box = SecretBox.Seal(key, nonce, message);

        Assert.Equal("f3ffc7703f9400e52a7dfb4b3d3305d9", Convert.ToHexStringLower(box[..16]));
        Assert.StartsWith("8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a", Convert.ToHexStringLower(box[16..]));
        Assert.Equal(message, SecretBox.TryOpen(key, nonce, box));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(16)]
    public void SecretBox_TamperedOrShortBox_DoesNotOpen(int length)
    {
        var key = new byte[32];
        var nonce = new byte[24];
        var box = SecretBox.Seal(key, nonce, "hello"u8.ToArray());
        box[0] ^= 1;

        Assert.Null(SecretBox.TryOpen(key, nonce, box));
        Assert.Null(SecretBox.TryOpen(key, nonce, box[..length]));
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
        var box = SecretBox.Seal(key, nonce, message);

        Assert.Equal(16 + length, box.Length);
        Assert.Equal(message, SecretBox.TryOpen(key, nonce, box));
    }

    [Fact]
    public void AesCtr_ZeroCounter_KeyStreamIsAesOfCounterBlocks()
    {
        // Our counter starts at zero (Beaker's); check the keystream against AES-ECB of the counter blocks directly.
        var key = Convert.FromHexString("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        var stream = AesCtr.Transform(key, new byte[48]);

        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        var counters = new byte[48];
        counters[15] = 0;
        counters[31] = 1;
        counters[47] = 2;
        Assert.Equal(aes.EncryptEcb(counters, System.Security.Cryptography.PaddingMode.None), stream);
    }
}
