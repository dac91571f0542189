using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tessera.Demo.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.Demo.Tests;

/// <summary>
/// The demo's defences through a real demo process: cross-site requests, forms without an antiforgery token, the
/// sign-in limits, security headers, the /ticket page, and why a browser was signed out.
/// </summary>
public sealed partial class DemoSecurityTests(DemoFixture fixture) : IClassFixture<DemoFixture>
{
    private const string Evil = "https://evil.example";

    private HttpClient Client => fixture.Server.Client;

    [Theory]
    [InlineData("Origin", Evil)]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task Api_CrossSitePost_Returns403AndChangesNothing(string header, string value)
    {
        var jar = new CookieJar();
        using var login = await Login(jar, "alice", "alice-password");

        foreach (var path in new[] { "/api/logout", "/api/sessions/revoke-others", "/api/password", "/api/login" })
        {
            using var request = jar.Apply(new HttpRequestMessage(HttpMethod.Post, path) { Content = CookieJar.Json("""{"user":"alice","password":"alice-password","old":"alice-password","new":"x"}""") });
            request.Headers.Add(header, value);
            using var response = await Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.StartsWith("cross-site request refused", (await Json(response))["error"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Empty(CookieJar.SetCookies(response));
        }

        using var put = jar.Apply(new HttpRequestMessage(HttpMethod.Put, "/api/session/data/k") { Content = CookieJar.Json("1") });
        put.Headers.Add(header, value);
        using var refusedPut = await Client.SendAsync(put);
        Assert.Equal(HttpStatusCode.Forbidden, refusedPut.StatusCode);

        using var me = await jar.GetAsync(Client, "/api/me");
        Assert.Equal("alice", (await Json(me))["user"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Sec-Fetch-Site", "none")]
    [InlineData("Origin", "SELF")]
    [InlineData(null, null)]
    public async Task Api_SameOriginOrNoBrowserHeaders_Allowed(string? header, string? value)
    {
        var jar = new CookieJar();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = CookieJar.Json("""{"user":"bob","password":"bob-password"}""") };
        if (header is not null)
        {
            request.Headers.Add(header, value == "SELF" ? fixture.Server.Address.GetLeftPart(UriPartial.Authority) : value);
        }

        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        jar.Update(response);
        using var logout = await jar.PostAsync(Client, "/api/logout");
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
    }

    [Fact]
    public async Task Form_CrossSitePostWithValidToken_Returns403()
    {
        var jar = await SignInWithFormAsync("alice", "alice-password");
        var token = await TokenAsync(jar, "/");
        using var request = jar.Apply(new HttpRequestMessage(HttpMethod.Post, "/logout") { Content = Form(token) });
        request.Headers.Add("Origin", Evil);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Cross-site request refused", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await SignedInAsync(jar));
    }

    [Theory]
    [InlineData("/logout")]
    [InlineData("/logout-everywhere")]
    [InlineData("/sessions/revoke-others")]
    [InlineData("/sessions/revoke")]
    [InlineData("/data")]
    [InlineData("/password")]
    [InlineData("/login")]
    public async Task Form_PostWithoutAntiforgeryToken_Returns400AndChangesNothing(string path)
    {
        var jar = await SignInWithFormAsync("alice", "alice-password");
        var cookie = jar["tessera"];
        using var response = await jar.PostAsync(Client, path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = "bob", ["password"] = "bob-password", ["key"] = "k", ["value"] = "v", ["old"] = "alice-password", ["new"] = "x", ["id"] = "x",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery token is missing or stale", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(cookie, jar["tessera"]);
        using var me = await jar.GetAsync(Client, "/api/me");
        Assert.Equal("alice", (await Json(me))["user"]!.GetValue<string>());
        using var session = await jar.GetAsync(Client, "/api/session");
        Assert.False((await Json(session))["data"]!.AsObject().ContainsKey("k"));
    }

    [Theory]
    [InlineData("/sessions")]
    [InlineData("/password")]
    [InlineData("/ticket")]
    public async Task Page_Anonymous_RedirectsToSignInAndBackAfterIt(string path)
    {
        var jar = new CookieJar();
        using var page = await jar.GetAsync(Client, path);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        var signIn = page.Headers.Location!.OriginalString;
        Assert.Equal("/?ReturnUrl=" + Uri.EscapeDataString(path), signIn);

        using var form = await jar.GetAsync(Client, signIn);
        var html = await form.Content.ReadAsStringAsync();
        Assert.Contains("Sign in first.", html, StringComparison.Ordinal);
        Assert.Contains($"name=\"returnUrl\" value=\"{path}\"", html, StringComparison.Ordinal);
        var token = TokenField().Match(html).Groups[1].Value;
        using var login = await jar.PostAsync(Client, "/login", Form(token, ("user", "bob"), ("password", "bob-password"), ("returnUrl", path)));
        Assert.Equal(path, login.Headers.Location!.OriginalString);
        using var back = await jar.GetAsync(Client, path);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("https://evil.example/")]
    public async Task Login_ReturnUrlOfAnotherSite_GoesHomeInstead(string returnUrl)
    {
        var jar = new CookieJar();
        var token = await TokenAsync(jar, "/");
        using var login = await jar.PostAsync(Client, "/login", Form(token, ("user", "bob"), ("password", "bob-password"), ("returnUrl", returnUrl)));
        Assert.Equal("/?m=signed-in", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Me_AnonymousThenSignedIn_Returns401Then200WithUser()
    {
        var jar = new CookieJar();
        using var anonymous = await jar.GetAsync(Client, "/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("not signed in", (await Json(anonymous))["error"]!.GetValue<string>());

        using var login = await Login(jar, "bob", "bob-password");
        using var me = await jar.GetAsync(Client, "/api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("""{"user":"bob"}""", await me.Content.ReadAsStringAsync());

        using var logout = await jar.PostAsync(Client, "/api/logout");
        using var after = await jar.GetAsync(Client, "/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/sessions")]
    [InlineData("/password")]
    [InlineData("/ticket")]
    [InlineData("/api/session")]
    public async Task Pages_AnyResponse_ForbidFraming(string path)
    {
        var jar = await SignInWithFormAsync("bob", "bob-password");
        using var response = await jar.GetAsync(Client, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Home_Anonymous_ShowsViewportAndDemoCredentials()
    {
        using var page = await Client.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html, StringComparison.Ordinal);
        Assert.Contains("<strong>alice</strong> / <code>alice-password</code>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>bob</strong> / <code>bob-password</code>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticket_Page_ShowsFieldsButNeverTheTicket()
    {
        var jar = await SignInWithFormAsync("bob", "bob-password");
        var ticket = jar["auth_tkt"]!;
        using var page = await jar.GetAsync(Client, "/ticket");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<tr><th>User</th><td>bob</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th>Tokens</th><td>demo</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(ticket, html, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.UnescapeDataString(ticket), html, StringComparison.Ordinal);
        Assert.DoesNotContain(ticket[..32], html, StringComparison.Ordinal); // not even the digest
    }

    [Fact]
    public async Task SessionEnd_RevokedElsewhere_PageSaysSoOnce()
    {
        var laptop = await SignInWithFormAsync("dave", "dave-password");
        var phone = new CookieJar();
        using var phoneLogin = await Login(phone, "dave", "dave-password");
        using var revoke = await phone.PostAsync(Client, "/api/sessions/revoke-others");
        Assert.Equal(1, (await Json(revoke))["revoked"]!.GetValue<int>());

        using var next = await laptop.GetAsync(Client, "/sessions");
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.Equal("/?m=ended-revoked", next.Headers.Location!.OriginalString);
        using var home = await laptop.GetAsync(Client, "/?m=ended-revoked");
        Assert.Contains("signed out from another device", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Said once: the notice cookie is gone, a later page is a plain anonymous one.
        using var again = await laptop.GetAsync(Client, "/sessions");
        Assert.Equal("/?ReturnUrl=%2Fsessions", again.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SessionEnd_PasswordChangedElsewhere_PageSaysSo()
    {
        var laptop = await SignInWithFormAsync("erin", "erin-password");
        var phone = new CookieJar();
        using var phoneLogin = await Login(phone, "erin", "erin-password");
        using var change = await phone.PostAsync(Client, "/api/password", CookieJar.Json("""{"old":"erin-password","new":"erin-password-2"}"""));
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);

        using var next = await laptop.GetAsync(Client, "/");
        Assert.Equal("/?m=ended-password", next.Headers.Location!.OriginalString);

        // The phone changed it and stays signed in, with no notice.
        using var phoneHome = await phone.GetAsync(Client, "/");
        Assert.Equal(HttpStatusCode.OK, phoneHome.StatusCode);
        Assert.Contains("<strong id=\"user\">erin</strong>", await phoneHome.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionEnd_SignedOutHere_NoNotice()
    {
        var jar = await SignInWithFormAsync("bob", "bob-password");
        var token = await TokenAsync(jar, "/");
        using var logout = await jar.PostAsync(Client, "/logout", Form(token));
        Assert.Equal("/?m=signed-out", logout.Headers.Location!.OriginalString);
        Assert.Null(jar["demo_signed_in"]);
        using var home = await jar.GetAsync(Client, "/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    private async Task<CookieJar> SignInWithFormAsync(string user, string password)
    {
        var jar = new CookieJar();
        var token = await TokenAsync(jar, "/");
        using var login = await jar.PostAsync(Client, "/login", Form(token, ("user", user), ("password", password)));
        Assert.Equal("/?m=signed-in", login.Headers.Location!.OriginalString);
        return jar;
    }

    private async Task<bool> SignedInAsync(CookieJar jar)
    {
        using var me = await jar.GetAsync(Client, "/api/me");
        return me.StatusCode == HttpStatusCode.OK;
    }

    private Task<HttpResponseMessage> Login(CookieJar jar, string user, string password) =>
        jar.PostAsync(Client, "/api/login", CookieJar.Json($$"""{"user":"{{user}}","password":"{{password}}"}"""));

    private async Task<string> TokenAsync(CookieJar jar, string path)
    {
        using var page = await jar.GetAsync(Client, path);
        return TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
    }

    private static FormUrlEncodedContent Form(string token, params (string Key, string Value)[] fields) =>
        new([new KeyValuePair<string, string>("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))]);

    private static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
