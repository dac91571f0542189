namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>A stored cutoff outside the dates a <see cref="DateTimeOffset"/> holds is clamped (failing closed), never thrown.</summary>
public sealed class AuthTktCutoffsTests
{
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(253_402_300_800_000L)] // the first millisecond after DateTimeOffset.MaxValue
    public void TimeOf_PastTheLastDate_IsMaxValueAndRefusesEveryTicket(long stored)
    {
        var cutoff = AuthTktCutoffs.TimeOf(stored);

        Assert.Equal(DateTimeOffset.MaxValue, cutoff);
        Assert.False(AuthTktCutoffs.IsAfter(DateTimeOffset.UtcNow, cutoff));
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(-62_135_596_800_001L)] // the millisecond before DateTimeOffset.MinValue
    public void TimeOf_BeforeTheFirstDate_IsMinValueAndRefusesNoTicket(long stored)
    {
        var cutoff = AuthTktCutoffs.TimeOf(stored);

        Assert.Equal(DateTimeOffset.MinValue, cutoff);
        Assert.True(AuthTktCutoffs.IsAfter(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), cutoff));
    }

    [Fact]
    public void TimeOf_OrdinaryValue_IsThatMillisecond()
    {
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 20, 0, 0, 123, TimeSpan.Zero), AuthTktCutoffs.TimeOf(1_796_155_200_123L));
    }

    [Fact]
    public void IssueTime_CutoffAtMaxValue_KeepsNowWhichTheCutoffRefuses()
    {
        var now = new DateTimeOffset(2026, 12, 1, 20, 0, 0, 500, TimeSpan.Zero);

        var issued = AuthTktCutoffs.IssueTime(now, DateTimeOffset.MaxValue);

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero), issued);
        Assert.False(AuthTktCutoffs.IsAfter(issued, DateTimeOffset.MaxValue));
    }

    [Fact]
    public void IssueTime_CutoffThisSecond_IsTheNextSecond()
    {
        var now = new DateTimeOffset(2026, 12, 1, 20, 0, 0, 500, TimeSpan.Zero);

        var issued = AuthTktCutoffs.IssueTime(now, now);

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 20, 0, 1, TimeSpan.Zero), issued);
        Assert.True(AuthTktCutoffs.IsAfter(issued, now));
    }
}
