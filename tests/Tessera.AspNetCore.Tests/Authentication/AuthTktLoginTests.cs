using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>MapAuthTktLogin (issue 12 point 6): a login service that hands other sites an auth_tkt ticket.</summary>
public sealed class AuthTktLoginTests
{
    private const string Wiki = "https://wiki.example.test";

    [Theory]
    [InlineData("https://wiki.example.test/page?x=1")]
    [InlineData("HTTPS://WIKI.example.test:443/")]
    [InlineData("http://apache.example.test:8080/secret/")]
    [InlineData("/account")]
    public async Task Login_SignedInNextAllowed_IssuesSharedDomainTicketAndRedirectsToNext(string next)
    {
        await using var app = await StartAsync();
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice?role=staff");
        jar.Remove("auth_tkt"); // only the session: the login service issues the ticket

        using var sso = await jar.GetAsync(app.Client, "/sso/login?next=" + Uri.EscapeDataString(next));

        Assert.Equal(HttpStatusCode.Redirect, sso.StatusCode);
        Assert.Equal(next, sso.Headers.Location!.OriginalString);
        Assert.Contains("; Domain=example.test", CookieJar.SetCookie(sso, "auth_tkt"), StringComparison.OrdinalIgnoreCase);
        using var ticket = await TicketOnly(jar).GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.OK, ticket.StatusCode);
        Assert.Equal("alice", await ticket.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("/\t/evil.example/")]
    [InlineData("https:\\\\evil.example/")]
    [InlineData("https://wiki.example.test.evil.example/")]
    [InlineData("https://wiki.example.test@evil.example/")]
    [InlineData("http://wiki.example.test/")]
    [InlineData("https://wiki.example.test:8443/")]
    [InlineData("javascript:alert(1)")]
    [InlineData(" https://wiki.example.test/")]
    [InlineData("")]
    public async Task Login_SignedInNextNotAllowed_RedirectsToDefaultNext(string next)
    {
        await using var app = await StartAsync();
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");

        using var sso = await jar.GetAsync(app.Client, "/sso/login?next=" + Uri.EscapeDataString(next));

        Assert.Equal(HttpStatusCode.Redirect, sso.StatusCode);
        Assert.Equal("/home", sso.Headers.Location!.OriginalString);
        Assert.NotNull(CookieJar.SetCookie(sso, "auth_tkt"));
    }

    [Fact]
    public async Task Login_SignedInNextAbsent_RedirectsToDefaultNext()
    {
        await using var app = await StartAsync();
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");

        using var sso = await jar.GetAsync(app.Client, "/sso/login");

        Assert.Equal("/home", sso.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_Anonymous_ChallengedThenComesBackAndGetsTicket()
    {
        await using var app = await StartAsync();
        var jar = new CookieJar();
        var path = "/sso/login?next=" + Uri.EscapeDataString(Wiki + "/page");

        using var challenge = await TesseraSchemeTests.SendPageAsync(app, jar, path);

        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var location = challenge.Headers.Location!.OriginalString;
        Assert.Equal("/Account/Login?ReturnUrl=" + Uri.EscapeDataString(path), location);
        Assert.Null(CookieJar.SetCookie(challenge, "auth_tkt"));

        using var login = await jar.PostAsync(app.Client, "/login/alice");
        jar.Remove("auth_tkt");
        var returnUrl = Uri.UnescapeDataString(location["/Account/Login?ReturnUrl=".Length..]);
        using var back = await jar.GetAsync(app.Client, returnUrl);
        Assert.Equal(Wiki + "/page", back.Headers.Location!.OriginalString);
        Assert.NotNull(jar["auth_tkt"]);
    }

    [Fact]
    public async Task Login_AnonymousApiClient_Gets401()
    {
        await using var app = await StartAsync();
        using var sso = await TesseraSchemeTests.SendAsync(app, new CookieJar(), "/sso/login?next=%2F", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, sso.StatusCode);
    }

    [Fact]
    public async Task Login_TicketOnlyWithAuthTktAsScheme_RefusedAsMisuse()
    {
        await using var app = await StartAsync(o => o.AuthenticationSchemes.Add(AuthTktDefaults.AuthenticationScheme));
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");

        using var sso = await TicketOnly(jar).GetAsync(app.Client, "/sso/login");

        Assert.Equal(HttpStatusCode.InternalServerError, sso.StatusCode);
        Assert.Null(CookieJar.SetCookie(sso, "auth_tkt"));
    }

    [Theory]
    [InlineData("AuthTkt:AllowedSites:0", "wiki.example.test", "AuthTkt:AllowedSites:0 'wiki.example.test' must be an absolute http or https origin")]
    [InlineData("AuthTkt:AllowedSites:0", "https://wiki.example.test/path", "AuthTkt:AllowedSites:0 'https://wiki.example.test/path' must be an absolute")]
    [InlineData("AuthTkt:AllowedSites:0", "ftp://wiki.example.test", "AuthTkt:AllowedSites:0 'ftp://wiki.example.test' must be an absolute")]
    [InlineData("AuthTkt:AllowedSites:0", "https://user@wiki.example.test", "AuthTkt:AllowedSites:0 'https://user@wiki.example.test' must be an absolute")]
    [InlineData("AuthTkt:AllowedSites:0", "https://wiki.example.test?x=1", "AuthTkt:AllowedSites:0 'https://wiki.example.test?x=1' must be an absolute")]
    [InlineData("AuthTkt:DefaultNext", "https://evil.example/", "AuthTkt:DefaultNext 'https://evil.example/' must be a local path")]
    [InlineData("AuthTkt:DefaultNext", "//evil.example/", "AuthTkt:DefaultNext '//evil.example/' must be a local path")]
    public async Task Start_AllowedSitesOrDefaultNextInvalid_RefusedNamingTheKey(string key, string value, string message)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StartTicketOnlyAsync((key, value)));
        Assert.StartsWith(message, Assert.Single(e.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AllowedSitesAndDefaultNextOnOne_Starts()
    {
        await using var app = await StartTicketOnlyAsync(("AuthTkt:AllowedSites:0", "https://wiki.example.test/"), ("AuthTkt:DefaultNext", "https://wiki.example.test/start"));
        var options = app.Services.GetRequiredService<IOptionsMonitor<AuthTktOptions>>().Get(AuthTktDefaults.AuthenticationScheme);
        Assert.Equal("https://wiki.example.test/start", options.DefaultNext);
    }

    private static Task<TestApp> StartAsync(Action<AuthTktLoginOptions>? login = null) =>
        TesseraSchemeApp.StartAsync(
            authTkt: true,
            configureTicket: o =>
            {
                o.AllowedSites.Add(Wiki);
                o.AllowedSites.Add("http://apache.example.test:8080");
                o.DefaultNext = "/home";
                o.CookieDomain = "example.test";
            },
            endpoints: app => app.MapAuthTktLogin("/sso/login", o =>
            {
                o.AuthenticationSchemes.Add(TesseraDefaults.AuthenticationScheme);
                login?.Invoke(o);
            }));

    private static Task<TestApp> StartTicketOnlyAsync(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["AuthTkt:Secrets:0"] = AuthTktApp.Secret };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return TestApp.StartAsync(b => b.Services.AddAuthentication().AddAuthTkt(b.Configuration.GetSection("AuthTkt")), _ => { }, all);
    }

    private static CookieJar TicketOnly(CookieJar jar)
    {
        var ticketOnly = new CookieJar();
        ticketOnly.Set("auth_tkt", jar["auth_tkt"]!);
        return ticketOnly;
    }
}
