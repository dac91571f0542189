using Tessera.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>Idle expiry, re-issue when due, per-session lifetime: all on the injected clock.</summary>
public sealed class SessionLifetimeTests
{
    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task IdleTimeout_Passed_SessionEnds(string mode)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)), s => s.AddSingleton<TimeProvider>(time));
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        time.Advance(TimeSpan.FromMinutes(19));
        using var stillIn = await jar.GetAsync(app.Client, "/whoami");
        Assert.Equal("alice", await stillIn.Content.ReadAsStringAsync());
        time.Advance(TimeSpan.FromMinutes(21));
        using var expired = await jar.GetAsync(app.Client, "/whoami");
        Assert.Equal("(anonymous)", await expired.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CookieMode_ReadAfterReissueTime_CookieReissued()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", "Cookie")), s => s.AddSingleton<TimeProvider>(time));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        var first = jar[TesseraOptions.DefaultHostCookieName];
        time.Advance(TimeSpan.FromSeconds(30));
        using var early = await jar.GetAsync(app.Client, "/get/a");
        Assert.Null(CookieJar.SetCookie(early, TesseraOptions.DefaultHostCookieName));
        time.Advance(TimeSpan.FromMinutes(2));
        using var due = await jar.GetAsync(app.Client, "/get/a");
        Assert.NotNull(CookieJar.SetCookie(due, TesseraOptions.DefaultHostCookieName));
        Assert.NotEqual(first, jar[TesseraOptions.DefaultHostCookieName]);

        // Reading keeps the session alive past the first cookie's idle limit.
        time.Advance(TimeSpan.FromMinutes(19));
        using var later = await jar.GetAsync(app.Client, "/get/a");
        Assert.Equal("1", await later.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ServerMode_ReadsKeepSessionAliveBeyondIdleTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await SessionApp.StartAsync(TestApp.Settings(), s => s.AddSingleton<TimeProvider>(time));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        for (var i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromMinutes(15));
            using var read = await jar.GetAsync(app.Client, "/get/a");
            Assert.Equal("1", await read.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task SetLifetime_RememberMe_OutlivesDefaultIdleTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:AbsoluteLifetime", "100.00:00:00")), s => s.AddSingleton<TimeProvider>(time));
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        using var remember = await jar.PostAsync(app.Client, "/remember");
        time.Advance(TimeSpan.FromDays(2));
        using var who = await jar.GetAsync(app.Client, "/whoami");
        Assert.Equal("alice", await who.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rotate_NewCookieOldOneDead()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings());
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        var old = jar[TesseraOptions.DefaultHostCookieName]!;
        using var rotate = await jar.PostAsync(app.Client, "/rotate");
        Assert.NotEqual(old, jar[TesseraOptions.DefaultHostCookieName]);
        using var who = await jar.GetAsync(app.Client, "/whoami");
        Assert.Equal("alice", await who.Content.ReadAsStringAsync());
        var stale = new CookieJar();
        stale.Set(TesseraOptions.DefaultHostCookieName, old);
        using var staleWho = await stale.GetAsync(app.Client, "/whoami");
        Assert.Equal("(anonymous)", await staleWho.Content.ReadAsStringAsync());
    }
}
