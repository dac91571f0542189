using System.Net;
using Tessera.Demo.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.Demo.Tests;

/// <summary>The demo's login service for other sites, <c>/sso/login</c> (MapAuthTktLogin), through a real demo process.</summary>
public sealed class DemoSsoLoginTests(DemoFixture fixture) : IClassFixture<DemoFixture>
{
    /// <summary>The one site the fixture lists in AuthTkt:AllowedSites.</summary>
    public const string AllowedSite = "https://intranet.example";

    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task SsoLogin_SignedIn_IssuesTicketAndRedirectsToAllowedSite()
    {
        var jar = await SignedInAsync();
        using var response = await PageAsync(jar, "/sso/login?next=" + Uri.EscapeDataString(AllowedSite + "/wiki?page=1"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AllowedSite + "/wiki?page=1", response.Headers.Location!.OriginalString);
        Assert.NotNull(CookieJar.SetCookie(response, "auth_tkt"));
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("https://intranet.example.evil.example/")]
    public async Task SsoLogin_NextOutsideAllowedSites_RedirectsToDefault(string next)
    {
        var jar = await SignedInAsync();
        using var response = await PageAsync(jar, "/sso/login?next=" + Uri.EscapeDataString(next));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SsoLogin_Anonymous_IsSentToSignInAndBack()
    {
        using var response = await PageAsync(new CookieJar(), "/sso/login?next=" + Uri.EscapeDataString(AllowedSite + "/"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/?ReturnUrl=", location, StringComparison.Ordinal);
        Assert.Equal("/sso/login?next=" + Uri.EscapeDataString(AllowedSite + "/"), Uri.UnescapeDataString(location["/?ReturnUrl=".Length..]));
        Assert.Null(CookieJar.SetCookie(response, "auth_tkt"));
    }

    private async Task<CookieJar> SignedInAsync()
    {
        var jar = new CookieJar();
        using var login = await jar.PostAsync(Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-password"}"""));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return jar;
    }

    // A browser's page request: Accept names HTML, so a challenge redirects instead of answering 401.
    private async Task<HttpResponseMessage> PageAsync(CookieJar jar, string path)
    {
        using var request = jar.Apply(new HttpRequestMessage(HttpMethod.Get, path));
        request.Headers.Accept.ParseAdd("text/html");
        return await Client.SendAsync(request);
    }
}
