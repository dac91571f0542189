using Tessera.Sessions;

namespace Tessera.Tests.Sessions;

public sealed class SessionExpiryTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SessionManagerOptions Defaults = new() { IdleTimeout = TimeSpan.FromMinutes(20), AbsoluteLifetime = TimeSpan.FromHours(12) };

    private static SessionState State(TimeSpan sinceCreated) => new()
    {
        CreatedMs = Created.ToUnixTimeMilliseconds(),
        AccessedMs = (Created + sinceCreated).ToUnixTimeMilliseconds(),
    };

    [Fact]
    public void ExpiresAt_RecentlyCreated_IsTheIdleEnd()
    {
        Assert.Equal(Created + TimeSpan.FromMinutes(25), SessionExpiry.ExpiresAt(State(TimeSpan.FromMinutes(5)), Defaults));
    }

    [Fact]
    public void ExpiresAt_NearTheAbsoluteEnd_IsTheAbsoluteEnd()
    {
        Assert.Equal(Created + TimeSpan.FromHours(12), SessionExpiry.ExpiresAt(State(TimeSpan.FromHours(11.9)), Defaults));
    }

    [Fact]
    public void ExpiresAt_PerSessionTimeouts_OverrideTheDefaults()
    {
        var state = State(TimeSpan.FromMinutes(1));
        state.IdleTimeout = TimeSpan.FromMinutes(2);
        Assert.Equal(Created + TimeSpan.FromMinutes(3), SessionExpiry.ExpiresAt(state, Defaults));
        state.IdleTimeout = TimeSpan.FromDays(1);
        state.Lifetime = TimeSpan.FromMinutes(10);
        Assert.Equal(Created + TimeSpan.FromMinutes(10), SessionExpiry.ExpiresAt(state, Defaults));
    }

    [Fact]
    public void ExpiresAt_LifetimesPastTheCalendarEnd_IsMaxValueNotAnOverflow()
    {
        var state = State(TimeSpan.Zero);
        state.IdleTimeout = TimeSpan.MaxValue;
        state.Lifetime = TimeSpan.MaxValue;
        Assert.Equal(DateTimeOffset.MaxValue, SessionExpiry.ExpiresAt(state, Defaults));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, -1)]
    public void AddSaturating_InRange_AddsExactly(int days, int expectedDays)
    {
        Assert.Equal(Created.AddDays(expectedDays), SessionExpiry.AddSaturating(Created, TimeSpan.FromDays(days)));
    }

    [Fact]
    public void AddSaturating_ExactlyToTheEnd_IsMaxValue()
    {
        var time = DateTimeOffset.MaxValue - TimeSpan.FromDays(1);
        Assert.Equal(DateTimeOffset.MaxValue, SessionExpiry.AddSaturating(time, TimeSpan.FromDays(1)));
        Assert.Equal(time + TimeSpan.FromHours(23), SessionExpiry.AddSaturating(time, TimeSpan.FromHours(23)));
    }
}
