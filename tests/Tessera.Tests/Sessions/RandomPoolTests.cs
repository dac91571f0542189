using Tessera.Sessions;

namespace Tessera.Tests.Sessions;

public sealed class RandomPoolTests
{
    [Fact]
    public void Fill_ManyDrawsAcrossRefills_NeverRepeatsA16ByteValue()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 2000; i++)
        {
            var bytes = RandomPool.GetBytes(16 + (i % 7));
            Assert.True(seen.Add(Convert.ToHexString(bytes.AsSpan(0, 16))), $"Draw {i} repeated an earlier value.");
        }
    }

    [Fact]
    public void Fill_LargerThanPoolShare_GoesStraightToTheGenerator()
    {
        var a = RandomPool.GetBytes(5000);
        var b = RandomPool.GetBytes(5000);
        Assert.False(a.AsSpan().SequenceEqual(b));
        Assert.NotEqual(0, a.Count(x => x != 0));
    }
}
