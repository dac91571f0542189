using Tessera.TestSupport;
using System.Net;
using System.Text.Json.Nodes;
using Tessera.Demo.Tests.Support;

namespace Tessera.Demo.Tests;

/// <summary>The demo's JSON API, a contract for scripted checks, through a real demo process.</summary>
public sealed class DemoApiTests(DemoFixture fixture) : IClassFixture<DemoFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Login_WrongPassword_Returns401AndNoSession()
    {
        var jar = new CookieJar();
        using var response = await jar.PostAsync(Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"nope"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(jar["tessera"]);
        using var unknown = await jar.PostAsync(Client, "/api/login", CookieJar.Json("""{"user":"nobody","password":"x"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task Login_RightPassword_Returns200CookieAndUser()
    {
        var jar = new CookieJar();
        using var login = await Login(jar, "alice", "alice-password");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("alice", (await Json(login))["user"]!.GetValue<string>());
        var header = CookieJar.SetCookie(login, "tessera")!;
        Assert.Contains("; httponly", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", header, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(jar["auth_tkt"]);

        using var session = await jar.GetAsync(Client, "/api/session");
        Assert.Equal("alice", (await Json(session))["user"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_AnonymousSessionWithData_CookieChangesDataKept()
    {
        var jar = new CookieJar();
        using var put = await jar.SendAsync(Client, HttpMethod.Put, "/api/session/data/cart", CookieJar.Json("[1,2,3]"));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var anonymous = jar["tessera"];
        Assert.NotNull(anonymous);

        using var login = await Login(jar, "alice", "alice-password");
        Assert.NotEqual(anonymous, jar["tessera"]);
        using var session = await jar.GetAsync(Client, "/api/session");
        Assert.Equal("[1,2,3]", (await Json(session))["data"]!["cart"]!.ToJsonString());

        // The pre-login cookie is dead: no fixation.
        var old = new CookieJar();
        old.Set("tessera", anonymous!);
        using var replay = await old.GetAsync(Client, "/api/session");
        var body = await Json(replay);
        Assert.Null(body["user"]);
        Assert.Empty(body["data"]!.AsObject());
    }

    [Fact]
    public async Task Session_Anonymous_UserNullDataEmpty()
    {
        using var response = await Client.GetAsync("/api/session");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"user":null,"data":{}}""", await response.Content.ReadAsStringAsync());
        Assert.Empty(CookieJar.SetCookies(response));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("{\"nested\":{\"a\":[true,null]}}")]
    public async Task PutData_AnyJsonValue_Returns204AndShowsInSession(string value)
    {
        var jar = new CookieJar();
        using var put = await jar.SendAsync(Client, HttpMethod.Put, "/api/session/data/k", CookieJar.Json(value));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using var session = await jar.GetAsync(Client, "/api/session");
        Assert.Equal(value, (await Json(session))["data"]!["k"]!.ToJsonString());
    }

    [Fact]
    public async Task PutData_SignedIn_Returns204AndKeepsUser()
    {
        var jar = new CookieJar();
        using var login = await Login(jar, "bob", "bob-password");
        using var put = await jar.SendAsync(Client, HttpMethod.Put, "/api/session/data/theme", CookieJar.Json("\"dark\""));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using var session = await jar.GetAsync(Client, "/api/session");
        var body = await Json(session);
        Assert.Equal("bob", body["user"]!.GetValue<string>());
        Assert.Equal("dark", body["data"]!["theme"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutData_NotJson_Returns400()
    {
        var jar = new CookieJar();
        using var put = await jar.SendAsync(Client, HttpMethod.Put, "/api/session/data/k", CookieJar.Json("{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
    }

    [Fact]
    public async Task Sessions_Anonymous_Returns401()
    {
        using var response = await Client.GetAsync("/api/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var revoke = await Client.PostAsync("/api/sessions/revoke-others", null);
        Assert.Equal(HttpStatusCode.Unauthorized, revoke.StatusCode);
    }

    [Fact]
    public async Task Sessions_SignedInTwice_ListsBothWithFingerprintsNotHandles()
    {
        var first = new CookieJar();
        var second = new CookieJar();
        using var loginRequest = new HttpRequestMessage(HttpMethod.Post, "/api/login") { Content = CookieJar.Json("""{"user":"carol","password":"carol-password"}""") };
        loginRequest.Headers.UserAgent.ParseAdd("DemoTest/1.0");
        using var a = await Client.SendAsync(loginRequest);
        first.Update(a);
        using var b = await Login(second, "carol", "carol-password");
        using var response = await first.GetAsync(Client, "/api/sessions");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.True(list.Count >= 2);
        var current = Assert.Single(list, s => s!["current"]!.GetValue<bool>())!;
        foreach (var s in list)
        {
            var id = s!["id"]!.GetValue<string>();
            Assert.Matches("^[0-9a-f]{12}$", id);
            Assert.DoesNotContain(id, first["tessera"]!, StringComparison.Ordinal);
            Assert.DoesNotContain(id, second["tessera"]!, StringComparison.Ordinal);
            Assert.Equal("127.0.0.1", s["ip"]!.GetValue<string>());
            Assert.True(DateTimeOffset.TryParse(s["created"]!.GetValue<string>(), out _));
            Assert.True(DateTimeOffset.TryParse(s["last_seen"]!.GetValue<string>(), out _));
            Assert.True(s.AsObject().ContainsKey("user_agent"));
        }

        Assert.Equal("DemoTest/1.0", current["user_agent"]!.GetValue<string>());
        Assert.Equal("DemoTest", current["device"]!.GetValue<string>());
    }

    [Fact]
    public async Task RevokeOthers_TwoOtherSessions_RevokedAndThisOneKept()
    {
        var mine = new CookieJar();
        var phone = new CookieJar();
        var laptop = new CookieJar();
        using var a = await Login(mine, "dave", "dave-password");
        using var b = await Login(phone, "dave", "dave-password");
        using var c = await Login(laptop, "dave", "dave-password");

        using var revoke = await mine.PostAsync(Client, "/api/sessions/revoke-others");
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(2, (await Json(revoke))["revoked"]!.GetValue<int>());

        using var phoneSession = await phone.GetAsync(Client, "/api/session");
        using var mySession = await mine.GetAsync(Client, "/api/session");
        Assert.Null((await Json(phoneSession))["user"]);
        Assert.Equal("dave", (await Json(mySession))["user"]!.GetValue<string>());
        using var list = await mine.GetAsync(Client, "/api/sessions");
        Assert.Single(JsonNode.Parse(await list.Content.ReadAsStringAsync())!.AsArray());
    }

    [Fact]
    public async Task Password_Changed_OtherSessionsFailAtOnceThisOneStays()
    {
        var mine = new CookieJar();
        var other = new CookieJar();
        using var a = await Login(mine, "erin", "erin-password");
        using var b = await Login(other, "erin", "erin-password");

        using var wrong = await mine.PostAsync(Client, "/api/password", CookieJar.Json("""{"old":"bad","new":"x"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);

        using var change = await mine.PostAsync(Client, "/api/password", CookieJar.Json("""{"old":"erin-password","new":"erin-new-password"}"""));
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);

        using var otherSession = await other.GetAsync(Client, "/api/session");
        using var mySession = await mine.GetAsync(Client, "/api/session");
        Assert.Null((await Json(otherSession))["user"]);
        Assert.Equal("erin", (await Json(mySession))["user"]!.GetValue<string>());

        using var oldLogin = await Login(new CookieJar(), "erin", "erin-password");
        using var newLogin = await Login(new CookieJar(), "erin", "erin-new-password");
        Assert.Equal(HttpStatusCode.Unauthorized, oldLogin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newLogin.StatusCode);
    }

    [Fact]
    public async Task Password_Anonymous_Returns401()
    {
        using var response = await Client.PostAsync("/api/password", CookieJar.Json("""{"old":"a","new":"b"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Logout_ThenReplayedCookie_IsAnonymous()
    {
        var jar = new CookieJar();
        using var login = await Login(jar, "alice", "alice-password");
        var stolen = jar["tessera"]!;
        using var logout = await jar.PostAsync(Client, "/api/logout");
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Contains("Expires=Thu, 01 Jan 1970", CookieJar.SetCookie(logout, "tessera"));
        Assert.Contains("Expires=Thu, 01 Jan 1970", CookieJar.SetCookie(logout, "auth_tkt"));

        var thief = new CookieJar();
        thief.Set("tessera", stolen);
        using var replay = await thief.GetAsync(Client, "/api/session");
        Assert.Null((await Json(replay))["user"]);
    }

    [Fact]
    public async Task Cookie_Garbage10Kb_AnsweredNormally()
    {
        var jar = new CookieJar();
        jar.Set("tessera", new string('x', 10 * 1024));
        jar.Set("auth_tkt", new string('y', 10 * 1024));
        using var response = await jar.GetAsync(Client, "/api/session");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null((await Json(response))["user"]);
        using var page = await jar.GetAsync(Client, "/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Cookie_Tampered_AnsweredNormallyAsAnonymous()
    {
        var jar = new CookieJar();
        using var login = await Login(jar, "alice", "alice-password");
        var value = jar["tessera"]!;
        jar.Set("tessera", value[..^2] + (value[^2] == 'A' ? "B" : "A") + value[^1]);
        using var response = await jar.GetAsync(Client, "/api/session");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null((await Json(response))["user"]);
    }

    [Fact]
    public async Task Health_StoreAnswers_Healthy()
    {
        using var response = await Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> Login(CookieJar jar, string user, string password) =>
        jar.PostAsync(Client, "/api/login", CookieJar.Json($$"""{"user":"{{user}}","password":"{{password}}"}"""));

    [Theory]
    [InlineData("""{"\udc00":"\ud800x"}""", "surrogate")]
    [InlineData("""["\udc00"]""", "surrogate")]
    [InlineData("""{"a":1,"a":2}""", "same key")]
    public async Task PutData_UnstorableJson_Returns400WithReasonAndSessionStillSaves(string body, string reason)
    {
        var jar = new CookieJar();
        using var put = await jar.SendAsync(Client, HttpMethod.Put, "/api/session/data/bad", CookieJar.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains(reason, (await Json(put))["error"]!.GetValue<string>(), StringComparison.Ordinal);

        // Nothing half-stored: the session works and the next good write is saved.
        using var good = await jar.SendAsync(Client, HttpMethod.Put, "/api/session/data/good", CookieJar.Json("""["\ud83d\ude00"]"""));
        Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        using var session = await jar.GetAsync(Client, "/api/session");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var data = (await Json(session))["data"]!.AsObject();
        Assert.False(data.ContainsKey("bad"));
        Assert.Equal("😀", data["good"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task PutData_DeepJson_StoredAtTheLimitAndRefusedOnePast()
    {
        var jar = new CookieJar();
        static string Nest(int levels) => new string('[', levels) + new string(']', levels);
        using var atLimit = await jar.SendAsync(Client, HttpMethod.Put, "/api/session/data/deep", CookieJar.Json(Nest(999)));
        Assert.Equal(HttpStatusCode.NoContent, atLimit.StatusCode);
        using var tooDeep = await jar.SendAsync(Client, HttpMethod.Put, "/api/session/data/deeper", CookieJar.Json(Nest(1000)));
        Assert.Equal(HttpStatusCode.BadRequest, tooDeep.StatusCode);
        Assert.Contains("deeper than 999 levels", (await Json(tooDeep))["error"]!.GetValue<string>(), StringComparison.Ordinal);

        using var session = await jar.GetAsync(Client, "/api/session");
        var text = await session.Content.ReadAsStringAsync();
        var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new System.Text.Json.JsonReaderOptions { MaxDepth = 1002 });
        var data = System.Text.Json.Nodes.JsonNode.Parse(ref reader)!["data"]!.AsObject();
        Assert.False(data.ContainsKey("deeper"));
        Assert.Equal(Nest(999), data["deep"]!.ToJsonString());
    }

    [Fact]
    public async Task Sessions_CookieMode_Returns404WithReasonAndSignInStillWorks()
    {
        // Cookie mode has no session list (GetTesseraUserSessions is null): a clear 404, never a 500.
        await using var cookieMode = await DemoServer.StartAsync(DemoServer.InsecureHttp(("Tessera__Mode", "Cookie")));
        var jar = new CookieJar();
        using var login = await jar.PostAsync(cookieMode.Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-password"}"""));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        using var list = await jar.GetAsync(cookieMode.Client, "/api/sessions");
        using var revoke = await jar.PostAsync(cookieMode.Client, "/api/sessions/revoke-others");
        using var me = await jar.GetAsync(cookieMode.Client, "/api/me");

        foreach (var refused in new[] { list, revoke })
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Equal("the session list needs server mode (Tessera:Mode = Server)", (await Json(refused))["error"]!.GetValue<string>());
        }

        Assert.Equal("alice", (await Json(me))["user"]!.GetValue<string>());
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}
