using System.Security.Cryptography;
using Tessera.Tickets;

namespace Tessera.Tests.Tickets;

public sealed class TicketDigestCompareTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    public void DigestsEqual_SameBytes_True(int length)
    {
        var digest = RandomNumberGenerator.GetBytes(length);

        Assert.True(TicketFormat.DigestsEqual(digest, (byte[])digest.Clone()));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    public void DigestsEqual_AnySingleBitFlipped_False(int length)
    {
        var digest = RandomNumberGenerator.GetBytes(length);
        for (var bit = 0; bit < length * 8; bit++)
        {
            var other = (byte[])digest.Clone();
            other[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.False(TicketFormat.DigestsEqual(digest, other), $"bit {bit}");
            Assert.False(TicketFormat.DigestsEqual(other, digest), $"bit {bit}");
        }
    }

    [Fact]
    public void DigestsEqual_MisalignedSlices_ComparesValues()
    {
        var buffer = RandomNumberGenerator.GetBytes(80);
        var copy = new byte[70];
        buffer.AsSpan(3, 64).CopyTo(copy.AsSpan(5));

        Assert.True(TicketFormat.DigestsEqual(buffer.AsSpan(3, 64), copy.AsSpan(5, 64)));
        copy[68] ^= 0x80;
        Assert.False(TicketFormat.DigestsEqual(buffer.AsSpan(3, 64), copy.AsSpan(5, 64)));
    }

    [Theory]
    [InlineData(32, 16)]
    [InlineData(12, 12)]
    public void DigestsEqual_LengthsNotComparable_Throws(int left, int right) =>
        Assert.Throws<ArgumentException>(() => TicketFormat.DigestsEqual(new byte[left], new byte[right]));
}
