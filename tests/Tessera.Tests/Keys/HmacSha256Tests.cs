using System.Security.Cryptography;
using System.Text;
using Tessera.Keys;

namespace Tessera.Tests.Keys;

/// <summary>The per-thread contexts are reset between calls and follow a change of key.</summary>
public sealed class HmacSha256Tests
{
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
    public void ComputeWithServerKey_Rfc4231Case2_MatchesPublishedValue()
    {
        var mac = new byte[32];
        HmacSha256.ComputeWithServerKey("Jefe"u8.ToArray(), Encoding.ASCII.GetBytes("what do ya want for nothing?"), mac);

        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", Convert.ToHexStringLower(mac));
    }

    [Fact]
    public void Sha256_RepeatedCalls_EachMatchesBcl()
    {
        for (var length = 0; length < 80; length += 16)
        {
            var data = RandomNumberGenerator.GetBytes(length);
            Assert.Equal(SHA256.HashData(data), HmacSha256.Sha256(data));
        }
    }
}
