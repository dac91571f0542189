using System.Net;
using System.Text.Json.Nodes;
using Tessera.Demo.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.Demo.Tests;

/// <summary>Sign-in from an IPv6 client (browsers reach <c>localhost</c> over ::1) through the real demo process.</summary>
public sealed class DemoIPv6Tests
{
    [Fact]
    public async Task Login_FromIPv6DefaultPolicy_200WithWorkingTicketCookie()
    {
        await using var demo = await DemoServer.StartAsync(DemoServer.InsecureHttp(), host: "[::1]");
        var jar = new CookieJar();

        using var login = await jar.PostAsync(demo.Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-password"}"""));

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("""{"user":"alice"}""", await login.Content.ReadAsStringAsync());
        Assert.NotNull(CookieJar.SetCookie(login, "auth_tkt"));
        Assert.Equal("no-cache, no-store", login.Headers.NonValidated["Cache-Control"].ToString());
        using var refresh = await jar.GetAsync(demo.Client, "/_authtkt/refresh");
        Assert.Equal(HttpStatusCode.NoContent, refresh.StatusCode);
        using var session = await jar.GetAsync(demo.Client, "/api/session");
        Assert.Equal("alice", JsonNode.Parse(await session.Content.ReadAsStringAsync())!["user"]!.GetValue<string>());
        Assert.Contains("IPv6 client signed in; its ticket is not bound", demo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_FromIPv6RefusePolicy_403NoTicketAndNoOrphanedSession()
    {
        var ipv4 = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        await using var demo = await DemoServer.StartAsync(DemoServer.InsecureHttp(("AuthTkt__IPv6Policy", "RefuseSignIn")), host: "[::1]", alsoListenOn: ipv4);
        var jar = new CookieJar();

        using var refused = await jar.PostAsync(demo.Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-password"}"""));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("""{"error":"sign-in over IPv6 is refused (AuthTkt:IPv6Policy)"}""", await refused.Content.ReadAsStringAsync());
        Assert.Null(CookieJar.SetCookie(refused, "auth_tkt"));
        using var session = await jar.GetAsync(demo.Client, "/api/session");
        Assert.Equal("""{"user":null,"data":{}}""", await session.Content.ReadAsStringAsync());

        // Signed in over IPv4, alice has exactly one session: the refused attempt left no signed-in record behind.
        using var client4 = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = ipv4 };
        var jar4 = new CookieJar();
        using var login = await jar4.PostAsync(client4, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-password"}"""));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.NotNull(jar4["auth_tkt"]);
        using var sessions = await jar4.GetAsync(client4, "/api/sessions");
        var list = JsonNode.Parse(await sessions.Content.ReadAsStringAsync())!.AsArray();
        Assert.True(Assert.Single(list)!["current"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("AuthTkt__Timeout", "7200", "AuthTkt:Timeout = '7200' binds as 7200.00:00:00 (7200 days); a bare number is refused.")]
    [InlineData("Tessera__IdleTimeout", "20", "Tessera:IdleTimeout = '20' binds as 20.00:00:00 (20 days); a bare number is refused.")]
    public async Task Start_DurationAsBareNumber_ExitsWithMessageShowingParsedValue(string key, string value, string message)
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => DemoServer.StartAsync(DemoServer.InsecureHttp((key, value))));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
