using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Sessions;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>
/// Issue 11 point 7: what only server mode can do (the user's session list and revocation, per-session lifetimes) is
/// offered where it works and absent elsewhere, so no member of the session throws at call time.
/// </summary>
public sealed class UserSessionsTests
{
    [Fact]
    public async Task GetTesseraUserSessions_CookieModeSignedIn_NullAndNoPerSessionLifetime()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", "Cookie")));
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");

        using var capabilities = await jar.GetAsync(app.Client, "/capabilities");

        Assert.Equal("no user sessions|no lifetime", await capabilities.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Cookie")]
    [InlineData("Server")]
    public async Task EveryTesseraSessionMember_EitherMode_Succeeds(string mode)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));

        using var response = await app.Client.PostAsync("/every-member", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice|a|True|(anonymous)", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetTesseraUserSessions_ServerModeStoreWithIndex_ListsAndRevokes()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", "Server")));
        var laptop = new CookieJar();
        var phone = new CookieJar();
        var tablet = new CookieJar();
        foreach (var device in new[] { laptop, phone, tablet })
        {
            using var signIn = await device.PostAsync(app.Client, "/signin/alice");
        }

        using var capabilities = await phone.GetAsync(app.Client, "/capabilities");
        Assert.Equal("user sessions|lifetime", await capabilities.Content.ReadAsStringAsync());
        using var anonymous = await app.Client.GetAsync("/user-sessions");
        Assert.Equal(string.Empty, await anonymous.Content.ReadAsStringAsync());

        using var phoneList = await phone.GetAsync(app.Client, "/user-sessions");
        var ids = (await phoneList.Content.ReadAsStringAsync()).Split(',');
        Assert.Equal(3, ids.Length);
        var phoneId = Assert.Single(ids, id => id.EndsWith('*'))[..^1];
        using var laptopList = await laptop.GetAsync(app.Client, "/user-sessions");
        var laptopId = Assert.Single((await laptopList.Content.ReadAsStringAsync()).Split(','), id => id.EndsWith('*'))[..^1];
        Assert.Contains(laptopId, ids);
        Assert.NotEqual(phoneId, laptopId);

        using var revoke = await phone.PostAsync(app.Client, "/user-sessions/revoke/" + laptopId);
        Assert.Equal("True", await revoke.Content.ReadAsStringAsync());
        using var revokeAgain = await phone.PostAsync(app.Client, "/user-sessions/revoke/" + laptopId);
        Assert.Equal("False", await revokeAgain.Content.ReadAsStringAsync()); // already gone
        using var laptopAfter = await laptop.GetAsync(app.Client, "/whoami");
        Assert.Equal("(anonymous)", await laptopAfter.Content.ReadAsStringAsync());

        using var others = await phone.PostAsync(app.Client, "/user-sessions/revoke-others");
        Assert.Equal("1", await others.Content.ReadAsStringAsync()); // the tablet
        using var left = await phone.GetAsync(app.Client, "/user-sessions");
        Assert.Equal(phoneId + "*", await left.Content.ReadAsStringAsync());

        using var all = await phone.PostAsync(app.Client, "/user-sessions/revoke-all");
        Assert.Equal("1", await all.Content.ReadAsStringAsync());
        using var phoneAfter = await phone.GetAsync(app.Client, "/whoami");
        Assert.Equal("(anonymous)", await phoneAfter.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetTesseraUserSessions_ServerModeStoreWithoutIndex_NullButLifetimeOffered()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new CountingStore(time); // ISessionStore only: no IUserSessionIndex
        await using var app = await SessionApp.StartAsync(TestApp.Settings(), s => s.AddSingleton<TimeProvider>(time).AddSingleton<ISessionStore>(store));
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");

        using var capabilities = await jar.GetAsync(app.Client, "/capabilities");

        Assert.Equal("no user sessions|lifetime", await capabilities.Content.ReadAsStringAsync());
    }
}
