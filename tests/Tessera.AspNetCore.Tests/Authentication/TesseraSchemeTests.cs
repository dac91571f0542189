using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>The Tessera authentication scheme through real Kestrel: [Authorize], roles, policies, sign-in and sign-out.</summary>
public sealed class TesseraSchemeTests
{
    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SignIn_Principal_UserComesFromSessionWithClaims(string mode)
    {
        await using var app = await TesseraSchemeApp.StartAsync(mode);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice?role=admin&role=editor&dept=editorial");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.NotNull(jar["tessera"]);

        var me = await GetJsonAsync(jar, app, "/me");
        Assert.Equal("alice", me["id"]!.GetValue<string>());
        Assert.Equal("alice", me["name"]!.GetValue<string>());
        Assert.Equal("password", me["auth"]!.GetValue<string>());
        Assert.Equal(["admin", "editor"], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["editorial", "https://idp.example"], me["dept"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SessionSignIn_WithoutAuthentication_UserHasIdAsNameIdentifierAndName(string mode)
    {
        await using var app = await TesseraSchemeApp.StartAsync(mode);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/session-login/bob");

        var me = await GetJsonAsync(jar, app, "/me");
        Assert.Equal("bob", me["id"]!.GetValue<string>());
        Assert.Equal("bob", me["name"]!.GetValue<string>());
        Assert.Equal(TesseraDefaults.AuthenticationScheme, me["auth"]!.GetValue<string>());
        Assert.Empty(me["roles"]!.AsArray());
    }

    [Theory]
    [InlineData("application/json", null)]
    [InlineData("*/*", null)]
    [InlineData("text/html", "XMLHttpRequest")]
    public async Task Authorize_AnonymousApiRequest_Returns401(string accept, string? requestedWith)
    {
        await using var app = await TesseraSchemeApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (requestedWith is not null)
        {
            request.Headers.Add("X-Requested-With", requestedWith);
        }

        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Authorize_AnonymousBrowserOnDisableCookieRedirectEndpoint_Returns401()
    {
        await using var app = await TesseraSchemeApp.StartAsync();
        using var response = await SendPageAsync(app, new CookieJar(), "/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")]
    public async Task Authorize_AnonymousPage_RedirectsToLoginWithLocalReturnUrl(string? accept)
    {
        await using var app = await TesseraSchemeApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me?tab=1&x=%2F");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2Fme%3Ftab%3D1%26x%3D%252F", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example/x")]
    public async Task Authorize_AnonymousPageWithHostLikePath_ReturnUrlIsRoot(string path)
    {
        await using var app = await TesseraSchemeApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.Address.GetLeftPart(UriPartial.Authority) + path, UriKind.Absolute));
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2F", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Authorize_LoginPathEmpty_PageGets401()
    {
        await using var app = await TesseraSchemeApp.StartAsync(configure: o => o.LoginPath = default);
        using var response = await SendPageAsync(app, new CookieJar(), "/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task Roles_MissingRole_Forbid403ForApiAndRedirectForPage(string mode)
    {
        await using var app = await TesseraSchemeApp.StartAsync(mode);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/carol?role=editor");

        using var api = await jar.SendAsync(app.Client, HttpMethod.Get, "/admin", null);
        using var apiJson = await SendAsync(app, jar, "/admin", "application/json");
        using var page = await SendPageAsync(app, jar, "/admin");

        Assert.Equal(HttpStatusCode.Redirect, api.StatusCode); // no Accept: a page, as cookie authentication
        Assert.Equal(HttpStatusCode.Forbidden, apiJson.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/Account/AccessDenied?ReturnUrl=%2Fadmin", page.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task RolesAndPolicy_Satisfied_Allowed()
    {
        await using var app = await TesseraSchemeApp.StartAsync();
        var admin = new CookieJar();
        using var login = await admin.PostAsync(app.Client, "/login/dave?role=admin&dept=editorial");
        var other = new CookieJar();
        using var otherLogin = await other.PostAsync(app.Client, "/login/erin?dept=sales");

        using var adminPage = await SendAsync(app, admin, "/admin", "application/json");
        using var editorial = await SendAsync(app, admin, "/editorial", "application/json");
        using var sales = await SendAsync(app, other, "/editorial", "application/json");

        Assert.Equal(HttpStatusCode.OK, adminPage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, editorial.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, sales.StatusCode);
    }

    [Fact]
    public async Task SignIn_ExistingSession_RotatesHandleAndKeepsValues()
    {
        await using var app = await TesseraSchemeApp.StartAsync();
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/cart/3");
        var before = jar["tessera"]!;

        using var login = await jar.PostAsync(app.Client, "/login/alice");
        var after = jar["tessera"]!;

        Assert.NotEqual(before, after);
        var old = new CookieJar();
        old.Set("tessera", before);
        using var replay = await SendAsync(app, old, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("alice", (await GetJsonAsync(jar, app, "/me"))["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SignOut_ThenCookieCleared_NextRequestAnonymous(string mode)
    {
        await using var app = await TesseraSchemeApp.StartAsync(mode);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        using var logout = await jar.PostAsync(app.Client, "/logout");

        Assert.Contains(CookieJar.SetCookies(logout), h => h.StartsWith("tessera=;", StringComparison.Ordinal));
        using var me = await SendAsync(app, jar, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task SignOut_ReplayedServerCookie_Anonymous()
    {
        await using var app = await TesseraSchemeApp.StartAsync();
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        var captured = jar["tessera"]!;
        using var logout = await jar.PostAsync(app.Client, "/logout");

        var thief = new CookieJar();
        thief.Set("tessera", captured);
        using var me = await SendAsync(app, thief, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task CheckValueChanged_SignedInSession_Anonymous(string mode)
    {
        var checks = new MutableCheckValues();
        checks.Values["alice"] = "v1";
        await using var app = await TesseraSchemeApp.StartAsync(mode, services: s => s.AddSingleton<ITesseraCheckValueProvider>(checks));
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        using var ok = await SendAsync(app, jar, "/me", "application/json");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        checks.Values["alice"] = "v2";
        using var refused = await SendAsync(app, jar, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task CheckValueClaimType_ClaimUsedAsCheckValue_ChangeSignsOut()
    {
        var checks = new MutableCheckValues();
        checks.Values["alice"] = "stamp-1";
        await using var app = await TesseraSchemeApp.StartAsync(
            configure: o => o.CheckValueClaimType = "stamp", services: s => s.AddSingleton<ITesseraCheckValueProvider>(checks));
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice?stamp=stamp-1");
        using var ok = await SendAsync(app, jar, "/me", "application/json");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var stale = new CookieJar();
        using var staleLogin = await stale.PostAsync(app.Client, "/login/alice?stamp=stamp-0");
        using var refused = await SendAsync(app, stale, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task SignIn_UserUnknownToCheckValueProvider_Throws()
    {
        var checks = new MutableCheckValues();
        await using var app = await TesseraSchemeApp.StartAsync(services: s => s.AddSingleton<ITesseraCheckValueProvider>(checks));
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/ghost");
        Assert.Equal(HttpStatusCode.InternalServerError, login.StatusCode);
        Assert.Null(jar["tessera"]);
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SignIn_Persistent_CookieHasMaxAgeOfTheLifetime(string mode)
    {
        await using var app = await TesseraSchemeApp.StartAsync(mode);
        using var session = await new CookieJar().PostAsync(app.Client, "/login/alice");
        using var persistent = await new CookieJar().PostAsync(app.Client, "/login/alice?persistent=1");

        Assert.DoesNotContain("max-age", CookieJar.SetCookie(session, "tessera")!, StringComparison.OrdinalIgnoreCase);
        var maxAge = MaxAge(CookieJar.SetCookie(persistent, "tessera")!);
        var lifetime = TimeSpan.FromHours(12).TotalSeconds; // Tessera's default AbsoluteLifetime
        Assert.InRange(maxAge, lifetime - 60, lifetime);
    }

    [Fact]
    public async Task SignIn_ExpiresUtc_SessionEndsThen()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TesseraSchemeApp.StartAsync(services: s => s.AddSingleton<TimeProvider>(time));
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice?persistent=1&days=3");
        Assert.InRange(MaxAge(CookieJar.SetCookie(login, "tessera")!), TimeSpan.FromDays(3).TotalSeconds - 1, TimeSpan.FromDays(3).TotalSeconds);

        time.Advance(TimeSpan.FromMinutes(10));
        using var alive = await SendAsync(app, jar, "/me", "application/json");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        time.Advance(TimeSpan.FromDays(3));
        using var ended = await SendAsync(app, jar, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
    }

    [Fact]
    public async Task SignIn_ExpiresUtcInCookieMode_SessionEndsThenThoughKeptActive_CookieCleared()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TesseraSchemeApp.StartAsync("Cookie", services: s => s.AddSingleton<TimeProvider>(time));
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice?persistent=1&minutes=90");
        Assert.InRange(MaxAge(CookieJar.SetCookie(login, "tessera")!), TimeSpan.FromMinutes(90).TotalSeconds - 1, TimeSpan.FromMinutes(90).TotalSeconds);

        // Requests every 10 minutes keep it within the 20-minute idle timeout, and each re-issued cookie keeps the end.
        for (var minute = 10; minute < 90; minute += 10)
        {
            time.Advance(TimeSpan.FromMinutes(10));
            using var alive = await SendAsync(app, jar, "/me", "application/json");
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            if (CookieJar.SetCookie(alive, "tessera") is { } reissued)
            {
                Assert.InRange(MaxAge(reissued), TimeSpan.FromMinutes(90 - minute).TotalSeconds - 1, TimeSpan.FromMinutes(90 - minute).TotalSeconds);
            }
        }

        time.Advance(TimeSpan.FromMinutes(10));
        using var ended = await SendAsync(app, jar, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        Assert.Null(jar["tessera"]);
    }

    [Fact]
    public async Task SignIn_ExpiresUtcInCookieModeBeyondAbsoluteLifetime_EndsAtTheAbsoluteLifetimeAndWarnsOnce()
    {
        var logs = new ListLoggerProvider();
        await using var app = await TesseraSchemeApp.StartAsync("Cookie", services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));

        using var first = await new CookieJar().PostAsync(app.Client, "/login/alice?persistent=1&days=3");
        using var second = await new CookieJar().PostAsync(app.Client, "/login/bob?persistent=1&days=3");

        var lifetime = TimeSpan.FromHours(12).TotalSeconds; // Tessera's default AbsoluteLifetime
        Assert.InRange(MaxAge(CookieJar.SetCookie(first, "tessera")!), lifetime - 60, lifetime);
        Assert.InRange(MaxAge(CookieJar.SetCookie(second, "tessera")!), lifetime - 60, lifetime);
        var warning = Assert.Single(logs.WithId(2010));
        Assert.Contains("Raise Tessera:AbsoluteLifetime, or use server mode", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SignIn_ExpiresUtcInThePast_RefusedAndNoOneSignedIn(string mode)
    {
        await using var app = await TesseraSchemeApp.StartAsync(mode);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice?minutes=-5");
        Assert.Equal(HttpStatusCode.InternalServerError, login.StatusCode);
        Assert.Null(jar["tessera"]);
        using var me = await SendAsync(app, jar, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Theory]
    [InlineData("\"tomorrow\"")]
    [InlineData("null")]
    [InlineData("1.5e300")]
    [InlineData("-99999999999999999")]
    [InlineData("{}")]
    public async Task Read_CookieModeSignedCookieWithUnreadableEnd_IsEndedNotSignedIn(string end)
    {
        // Only a keyring secret can seal such a cookie; its end is read fail-closed, as a time that has passed.
        await using var app = await TesseraSchemeApp.StartAsync("Cookie");
        var keyring = app.Services.GetRequiredService<TesseraKeyring>().Keyring;
        var format = new Tessera.Cookies.SealedCookieFormat(new Tessera.Cookies.SealedCookieOptions { Keyring = keyring });
        var now = DateTimeOffset.UtcNow;
        var data = JsonNode.Parse($$"""{"$tessera.user": "alice", "$tessera.end": {{end}}, "note": "kept?"}""")!.AsObject();
        var jar = new CookieJar();
        jar.Set("tessera", format.Write("tessera", new Tessera.Cookies.CookieSessionPayload(data, now, now)));

        using var me = await SendAsync(app, jar, "/me", "application/json");

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Null(jar["tessera"]);
    }

    [Fact]
    public async Task SignIn_WithAuthTktScheme_IssuesTicketToo_SignOutClearsBoth()
    {
        await using var app = await TesseraSchemeApp.StartAsync(authTkt: true);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice?role=admin");
        Assert.NotNull(jar["tessera"]);
        Assert.NotNull(jar["auth_tkt"]);

        using var logout = await jar.PostAsync(app.Client, "/logout");
        Assert.Null(jar["tessera"]);
        Assert.Null(jar["auth_tkt"]);
    }

    [Fact]
    public async Task SignIn_IssueAuthTktTicketOff_NoTicket()
    {
        await using var app = await TesseraSchemeApp.StartAsync(configure: o => o.IssueAuthTktTicket = false, authTkt: true);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        Assert.NotNull(jar["tessera"]);
        Assert.Null(jar["auth_tkt"]);
    }

    [Fact]
    public async Task SignIn_IssueAuthTktTicketOnWithoutScheme_Throws()
    {
        await using var app = await TesseraSchemeApp.StartAsync(configure: o => o.IssueAuthTktTicket = true);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        Assert.Equal(HttpStatusCode.InternalServerError, login.StatusCode);
        Assert.Null(jar["tessera"]);
    }

    [Fact]
    public async Task SignIn_TicketRefused_NothingSignedIn()
    {
        // An IPv6 client under RefuseSignIn: the ticket is refused before the session is touched.
        await using var app = await TesseraSchemeApp.StartAsync(
            authTkt: true, configureTicket: o => o.IPv6Policy = AuthTktIPv6Policy.RefuseSignIn, url: "http://[::1]:0");
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/cart/3");
        var anonymous = jar["tessera"];

        using var login = await jar.PostAsync(app.Client, "/login/alice");

        Assert.Equal(HttpStatusCode.InternalServerError, login.StatusCode);
        Assert.Empty(CookieJar.SetCookies(login));
        Assert.Equal(anonymous, jar["tessera"]);
        using var me = await SendAsync(app, jar, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task SignIn_SessionStoreFails_TicketNotIssued()
    {
        await using var app = await TesseraSchemeApp.StartAsync(authTkt: true, services: s => s.AddSingleton<Tessera.Sessions.ISessionStore>(new FailingStore()));
        using var login = await app.Client.PostAsync("/login/alice", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
        Assert.DoesNotContain(CookieJar.SetCookies(login), h => h.StartsWith("auth_tkt=", StringComparison.Ordinal));
    }

    private static long MaxAge(string setCookie) =>
        long.Parse(setCookie.Split("; ").Single(a => a.StartsWith("Max-Age=", StringComparison.OrdinalIgnoreCase))["Max-Age=".Length..], System.Globalization.CultureInfo.InvariantCulture);

    internal static Task<HttpResponseMessage> SendPageAsync(TestApp app, CookieJar jar, string path) =>
        SendAsync(app, jar, path, "text/html,application/xhtml+xml,*/*;q=0.8");

    internal static async Task<HttpResponseMessage> SendAsync(TestApp app, CookieJar jar, string path, string accept)
    {
        using var request = jar.Apply(new HttpRequestMessage(HttpMethod.Get, path));
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await app.Client.SendAsync(request);
        jar.Update(response);
        return response;
    }

    internal static async Task<JsonNode> GetJsonAsync(CookieJar jar, TestApp app, string path)
    {
        using var response = await SendAsync(app, jar, path, "application/json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
