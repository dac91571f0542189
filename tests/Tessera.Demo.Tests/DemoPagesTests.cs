using Tessera.TestSupport;
using System.Net;
using System.Text.RegularExpressions;
using Tessera.Demo.Tests.Support;

namespace Tessera.Demo.Tests;

/// <summary>The server-rendered pages: forms carry an antiforgery token and refuse posts without one.</summary>
public sealed partial class DemoPagesTests(DemoFixture fixture) : IClassFixture<DemoFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Home_Anonymous_ShowsSignInFormWithAntiforgeryToken()
    {
        var jar = new CookieJar();
        using var page = await jar.GetAsync(Client, "/");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("action=\"/login\"", html);
        Assert.Matches(TokenField(), html);
    }

    [Fact]
    public async Task Login_FormWithoutToken_Refused()
    {
        var jar = new CookieJar();
        using var page = await jar.GetAsync(Client, "/");
        using var post = await jar.PostAsync(Client, "/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "alice", ["password"] = "alice-password" }));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Null(jar["tessera"]);
    }

    [Fact]
    public async Task SignedIn_PagesRenderAndFormsWork()
    {
        var jar = new CookieJar();
        var token = await TokenAsync(jar, "/");
        using var login = await jar.PostAsync(Client, "/login", Form(token, ("user", "bob"), ("password", "bob-password")));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.NotNull(jar["tessera"]);

        token = await TokenAsync(jar, "/");
        using var add = await jar.PostAsync(Client, "/data", Form(token, ("key", "color"), ("value", "<green>")));
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        using var home = await jar.GetAsync(Client, "/");
        var html = await home.Content.ReadAsStringAsync();
        Assert.Contains("<strong id=\"user\">bob</strong>", html);
        Assert.Contains("<td>&lt;green&gt;</td>", html); // the text itself, not its JSON
        Assert.DoesNotContain("<green>", html);

        using var sessions = await jar.GetAsync(Client, "/sessions");
        Assert.Contains("this session", await sessions.Content.ReadAsStringAsync());
        using var password = await jar.GetAsync(Client, "/password");
        Assert.Contains("action=\"/password\"", await password.Content.ReadAsStringAsync());
        using var ticket = await jar.GetAsync(Client, "/ticket");
        var ticketHtml = await ticket.Content.ReadAsStringAsync();
        Assert.DoesNotContain(jar["auth_tkt"]!, ticketHtml);
        Assert.Contains("<tr><th>User</th><td>bob</td></tr>", ticketHtml);

        token = await TokenAsync(jar, "/");
        using var logout = await jar.PostAsync(Client, "/logout", Form(token));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Null(jar["tessera"]);
        Assert.Null(jar["auth_tkt"]);
    }

    [Fact]
    public async Task LogoutEverywhere_OtherSessionsOfTheUserEnd()
    {
        var phone = new CookieJar();
        using var phoneLogin = await phone.PostAsync(Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-password"}"""));
        var jar = new CookieJar();
        var token = await TokenAsync(jar, "/");
        using var login = await jar.PostAsync(Client, "/login", Form(token, ("user", "alice"), ("password", "alice-password")));
        token = await TokenAsync(jar, "/");
        using var everywhere = await jar.PostAsync(Client, "/logout-everywhere", Form(token));
        Assert.Equal(HttpStatusCode.Redirect, everywhere.StatusCode);
        using var phoneSession = await phone.GetAsync(Client, "/api/session");
        Assert.Contains("\"user\":null", await phoneSession.Content.ReadAsStringAsync());
        Assert.Null(jar["tessera"]);
    }

    private async Task<string> TokenAsync(CookieJar jar, string path)
    {
        using var page = await jar.GetAsync(Client, path);
        return TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
    }

    private static FormUrlEncodedContent Form(string token, params (string Key, string Value)[] fields) =>
        new([new KeyValuePair<string, string>("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))]);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
