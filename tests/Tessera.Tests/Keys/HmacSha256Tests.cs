using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Keys;

namespace Tessera.Tests.Keys;

public sealed class HmacSha256Tests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(32, 24)]
    [InlineData(32, 34)]
    [InlineData(64, HmacSha256.MaxMessageLength)]
    [InlineData(65, 10)]
    [InlineData(32, HmacSha256.MaxMessageLength + 1)]
    public void Compute_KeyAndMessageLengths_MatchesBcl(int keyLength, int messageLength)
    {
        var key = RandomNumberGenerator.GetBytes(keyLength);
        var message = RandomNumberGenerator.GetBytes(messageLength);

        Assert.Equal(HMACSHA256.HashData(key, message), HmacSha256.Compute(key, message));
    }

    [Fact]
    public void ComputeWithServerKey_AlternatingKeys_MatchesBcl()
    {
        byte[][] keys = [RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)];
        var message = RandomNumberGenerator.GetBytes(34);
        var mac = new byte[32];
        for (var i = 0; i < 4; i++)
        {
            var key = keys[i % 2];
            HmacSha256.ComputeWithServerKey(key, message, mac);
            Assert.Equal(HMACSHA256.HashData(key, message), mac);
        }
    }

    [Fact]
    public void Compute_Rfc4231Case2_MatchesPublishedValue()
    {
        var mac = HmacSha256.Compute("Jefe"u8, Encoding.ASCII.GetBytes("what do ya want for nothing?"));

        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", Convert.ToHexStringLower(mac));
    }

    [Fact]
    public void Compute_AnyKeyAndMessage_MatchesBcl()
    {
        Prop.ForAll<byte[], byte[]>((key, message) =>
            HmacSha256.Compute(key, message).AsSpan().SequenceEqual(HMACSHA256.HashData(key, message))).QuickCheckThrowOnFailure();
    }
}
