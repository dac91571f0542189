using Tessera.TestSupport;
using System.Net;
using System.Text.Json.Nodes;
using Tessera.AspNetCore.Tests.Support;

namespace Tessera.AspNetCore.Tests.Authentication;

public sealed class AuthTktHandlerTests
{
    [Fact]
    public async Task SignIn_Principal_IssuesTicketReadBackAsClaims()
    {
        await using var app = await AuthTktApp.StartAsync();
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice?role=admin&role=editor&data=hello%20world");
        var header = CookieJar.SetCookie(signIn, "auth_tkt");
        Assert.NotNull(header);
        Assert.Contains("; httponly", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; secure", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", header, StringComparison.OrdinalIgnoreCase);

        using var me = await jar.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = JsonNode.Parse(await me.Content.ReadAsStringAsync())!;
        Assert.Equal("alice", body["id"]!.GetValue<string>());
        Assert.Equal("alice", body["name"]!.GetValue<string>());
        Assert.Equal(["admin", "editor"], body["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("hello world", body["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task SignIn_Base64WithPlusSlashEquals_WrittenRaw()
    {
        await using var app = await AuthTktApp.StartAsync();
        // "~~~" encodes to "fn5+" and "???" to "Pz8/"; vary the user id's length until the ticket needs '=' padding.
        for (var i = 0; i < 200; i++)
        {
            using var signIn = await app.Client.PostAsync($"/signin/u{new string('x', i % 7)}?data=%7E%7E%7E%3F%3F%3F{i}", null);
            var value = CookieJar.SetCookie(signIn, "auth_tkt")!.Split(';')[0]["auth_tkt=".Length..];
            Assert.DoesNotContain('%', value);
            if (value.Contains('+') && value.Contains('/') && value.EndsWith('='))
            {
                Assert.Equal(Convert.ToBase64String(Convert.FromBase64String(value)), value);
                return;
            }
        }

        Assert.Fail("no issued ticket held '+', '/' and '=' in 200 tries");
    }

    [Fact]
    public async Task Ticket_Tampered_Unauthorized()
    {
        await using var app = await AuthTktApp.StartAsync();
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        var bytes = Convert.FromBase64String(jar["auth_tkt"]!);
        bytes[^1] ^= 0x01;
        jar.Set("auth_tkt", Convert.ToBase64String(bytes));
        using var me = await jar.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("\"quoted\"")]
    [InlineData("%2B%2F")]
    public async Task Ticket_Malformed_UnauthorizedNever500(string value)
    {
        await using var app = await AuthTktApp.StartAsync();
        var jar = new CookieJar();
        jar.Set("auth_tkt", value.Length == 0 ? new string('Q', 10 * 1024) : value);
        using var me = await jar.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    /// <summary>Forms the real mod_auth_tkt accepts (Tessera.Interop.Tests ApacheCookieFormTests), sent as raw header lines.</summary>
    [Fact]
    public async Task Ticket_CookieFormsApacheAccepts_Authenticated()
    {
        await using var app = await AuthTktApp.StartAsync();
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        var value = jar["auth_tkt"]!;
        var unpadded = value.TrimEnd('=');
        var zopeQuoted = unpadded + string.Concat(Enumerable.Repeat("%3D", value.Length - unpadded.Length));
        string[][] forms =
        [
            [$"auth_tkt={zopeQuoted}"],
            [$"auth_tkt=\"{value}\"-junk \t; theme=dark"],
            ["theme=dark", $"auth_tkt={value}"],  // a second Cookie line, searched as Apache searches every line
        ];

        foreach (var lines in forms)
        {
            Assert.Equal(200, await RawGetStatusAsync(app.Client.BaseAddress!, "/me", lines));
        }
    }

    private static async Task<int> RawGetStatusAsync(Uri server, string path, string[] cookieLines)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n"
            + string.Concat(cookieLines.Select(l => $"Cookie: {l}\r\n")) + "\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
        var statusLine = await reader.ReadLineAsync();
        return int.Parse(statusLine!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task SignOut_ClearsCookie()
    {
        await using var app = await AuthTktApp.StartAsync();
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        using var signOut = await jar.PostAsync(app.Client, "/signout");
        Assert.Contains("Expires=Thu, 01 Jan 1970", CookieJar.SetCookie(signOut, "auth_tkt"));
        using var me = await jar.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Refresh_TicketDue_ReissuedWithCacheControl()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await AuthTktApp.StartAsync(o => o.TimeProvider = time);
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        var first = jar["auth_tkt"];

        using var early = await jar.GetAsync(app.Client, "/_authtkt/refresh");
        Assert.Equal(HttpStatusCode.NoContent, early.StatusCode);
        Assert.True(early.Headers.CacheControl!.Private);
        Assert.Equal(TimeSpan.FromMinutes(30), early.Headers.CacheControl.MaxAge);
        Assert.Null(CookieJar.SetCookie(early, "auth_tkt"));

        time.Advance(TimeSpan.FromMinutes(90));
        using var due = await jar.GetAsync(app.Client, "/_authtkt/refresh");
        Assert.Equal(HttpStatusCode.NoContent, due.StatusCode);
        Assert.NotNull(CookieJar.SetCookie(due, "auth_tkt"));
        Assert.NotEqual(first, jar["auth_tkt"]);

        time.Advance(TimeSpan.FromMinutes(90));
        using var me = await jar.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Refresh_Expired_UnauthorizedNoStore()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await AuthTktApp.StartAsync(o => o.TimeProvider = time);
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        time.Advance(TimeSpan.FromHours(3));
        using var refresh = await jar.GetAsync(app.Client, "/_authtkt/refresh");
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        Assert.True(refresh.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task RefreshScript_PollsAtTheConfiguredPace()
    {
        await using var app = await AuthTktApp.StartAsync(o => o.RefreshInterval = TimeSpan.FromMinutes(5));
        using var script = await app.Client.GetAsync("/_authtkt/refresh.js");
        var text = await script.Content.ReadAsStringAsync();
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"/_authtkt/refresh\"", text);
        Assert.Contains("300*1000", text);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Removal_ClearsTicket(string method)
    {
        await using var app = await AuthTktApp.StartAsync();
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        using var remove = await jar.SendAsync(app.Client, new HttpMethod(method), "/_authtkt/remove");
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Contains("Expires=Thu, 01 Jan 1970", CookieJar.SetCookie(remove, "auth_tkt"));
        Assert.Null(jar["auth_tkt"]);
    }
}
