using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;
using Tessera.Tickets;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>Every response that sets or clears a ticket cookie is uncacheable; the refresh endpoint's pacing stays private.</summary>
public sealed class AuthTktCacheHeaderTests
{
    [Fact]
    public async Task SignIn_Response_NoCacheNoStoreAndPragma()
    {
        await using var app = await AuthTktApp.StartAsync();

        using var signIn = await app.Client.PostAsync("/signin/alice", null);

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.NotNull(CookieJar.SetCookie(signIn, "auth_tkt"));
        AssertUncacheable(signIn);
    }

    [Fact]
    public async Task SignOut_Response_ClearsCookieNoCacheNoStore()
    {
        await using var app = await AuthTktApp.StartAsync();

        using var signOut = await app.Client.PostAsync("/signout", null);

        Assert.Equal(HttpStatusCode.OK, signOut.StatusCode);
        Assert.Contains("expires=Thu, 01 Jan 1970", CookieJar.SetCookie(signOut, "auth_tkt"), StringComparison.OrdinalIgnoreCase);
        AssertUncacheable(signOut);
    }

    [Fact]
    public async Task RemovalEndpoint_Response_204ClearsCookieNoCacheNoStore()
    {
        await using var app = await AuthTktApp.StartAsync();

        using var removal = await app.Client.GetAsync(AuthTktDefaults.RemovalPath);

        Assert.Equal(HttpStatusCode.NoContent, removal.StatusCode);
        Assert.NotNull(CookieJar.SetCookie(removal, "auth_tkt"));
        AssertUncacheable(removal);
    }

    [Fact]
    public async Task RefreshEndpoint_TicketNotDue_204PrivateMaxAgeNoCookie()
    {
        await using var app = await AuthTktApp.StartAsync();
        var jar = new CookieJar();
        jar.Set("auth_tkt", Issue(app, TimeSpan.FromMinutes(1)));

        using var refresh = await jar.GetAsync(app.Client, AuthTktDefaults.RefreshPath);

        Assert.Equal(HttpStatusCode.NoContent, refresh.StatusCode);
        Assert.Null(CookieJar.SetCookie(refresh, "auth_tkt"));
        Assert.Equal("private, max-age=1800", CacheControl(refresh));
        Assert.False(refresh.Headers.Contains("Pragma"));
    }

    [Fact]
    public async Task RefreshEndpoint_TicketDue_204NewCookieNoCacheNoStore()
    {
        await using var app = await AuthTktApp.StartAsync();
        var jar = new CookieJar();
        var old = Issue(app, TimeSpan.FromMinutes(90));
        jar.Set("auth_tkt", old);

        using var refresh = await jar.GetAsync(app.Client, AuthTktDefaults.RefreshPath);

        Assert.Equal(HttpStatusCode.NoContent, refresh.StatusCode);
        Assert.NotEqual(old, jar["auth_tkt"]);
        AssertUncacheable(refresh);
    }

    [Fact]
    public async Task AnyEndpoint_TicketDue_RefreshedResponseNoCacheNoStore()
    {
        await using var app = await AuthTktApp.StartAsync();
        var jar = new CookieJar();
        jar.Set("auth_tkt", Issue(app, TimeSpan.FromMinutes(90)));

        using var me = await jar.GetAsync(app.Client, "/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.NotNull(CookieJar.SetCookie(me, "auth_tkt"));
        AssertUncacheable(me);
    }

    [Fact]
    public async Task RefreshEndpoint_NoTicket_401NoCacheNoStore()
    {
        await using var app = await AuthTktApp.StartAsync();

        using var refresh = await app.Client.GetAsync(AuthTktDefaults.RefreshPath);

        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        AssertUncacheable(refresh);
    }

    private static string Issue(TestApp app, TimeSpan age)
    {
        var options = app.Services.GetRequiredService<IOptionsMonitor<AuthTktOptions>>().Get(AuthTktDefaults.AuthenticationScheme).ToTicketOptions();
        return new TicketIssuer(options).IssueCookieValue(new AuthTicket { UserId = "alice", ClientIp = IPAddress.Loopback, IssuedAt = DateTimeOffset.UtcNow - age });
    }

    private static string CacheControl(HttpResponseMessage response) => response.Headers.NonValidated["Cache-Control"].ToString();

    private static void AssertUncacheable(HttpResponseMessage response)
    {
        Assert.Equal("no-cache, no-store", CacheControl(response));
        Assert.Equal("no-cache", response.Headers.NonValidated["Pragma"].ToString());
    }
}
