using Tessera.TestSupport;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Sessions;

namespace Tessera.AspNetCore.Tests.Sessions;

public sealed class SessionMiddlewareTests
{
    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task Request_NotTouchingSession_WritesNoCookie(string mode)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        using var response = await app.Client.GetAsync("/plain");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(CookieJar.SetCookies(response));
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SetString_NewSession_WritesCookieHttpOnlySecureLax(string mode)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        using var response = await app.Client.PostAsync("/set/color/blue", null);
        var header = CookieJar.SetCookie(response, TesseraOptions.DefaultHostCookieName);
        Assert.NotNull(header);
        var attributes = header!.Split("; ").Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("max-age", StringComparison.Ordinal) || a.StartsWith("expires", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SessionCookieSetOrCleared_ResponseIsNeverCached(string mode)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        var jar = new CookieJar();

        using var plain = await app.Client.GetAsync("/plain");
        using var set = await jar.SendAsync(app.Client, HttpMethod.Post, "/set/color/blue");
        using var signOut = await jar.SendAsync(app.Client, HttpMethod.Post, "/signout");

        Assert.Null(plain.Headers.CacheControl);
        foreach (var response in new[] { set, signOut })
        {
            Assert.NotEmpty(CookieJar.SetCookies(response));
            Assert.True(response.Headers.CacheControl is { NoCache: true, NoStore: true }, $"Cache-Control: {response.Headers.CacheControl}");
            Assert.Equal("no-cache", Assert.Single(response.Headers.Pragma).ToString());
        }
    }

    [Fact]
    public async Task CookieAttributes_Configured_Written()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(
            ("Tessera:Cookie:Name", "sid"), ("Tessera:Cookie:Path", "/app"), ("Tessera:Cookie:Domain", "example.test"),
            ("Tessera:Cookie:SecurePolicy", "None"), ("Tessera:Cookie:SameSite", "Strict"), ("Tessera:Cookie:MaxAge", "01:00:00")));
        using var response = await app.Client.PostAsync("/set/a/b", null);
        var header = CookieJar.SetCookie(response, "sid")!.ToLowerInvariant();
        Assert.Contains("; path=/app", header);
        Assert.Contains("; domain=example.test", header);
        Assert.Contains("; samesite=strict", header);
        Assert.Contains("; max-age=3600", header);
        Assert.DoesNotContain("secure", header);
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task GetString_AfterSet_ReturnsValueAndWritesNoCookie(string mode)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/color/blue");
        using var get = await jar.GetAsync(app.Client, "/get/color");
        Assert.Equal("blue", await get.Content.ReadAsStringAsync());
        Assert.Null(CookieJar.SetCookie(get, TesseraOptions.DefaultHostCookieName));
    }

    [Fact]
    public async Task SetString_ExistingServerSession_SavedWithoutNewSetCookie()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings());
        var jar = new CookieJar();
        using var first = await jar.PostAsync(app.Client, "/set/a/1");
        var cookie = jar[TesseraOptions.DefaultHostCookieName];
        using var second = await jar.PostAsync(app.Client, "/set/a/2");
        using var get = await jar.GetAsync(app.Client, "/get/a");
        Assert.Empty(CookieJar.SetCookies(second));
        Assert.Equal(cookie, jar[TesseraOptions.DefaultHostCookieName]);
        Assert.Equal("2", await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bytes_NotUtf8_StoredAsBase64ObjectAndReadBack()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings());
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/bytes/raw");
        using var bytes = await jar.GetAsync(app.Client, "/bytes/raw");
        using var json = await jar.GetAsync(app.Client, "/json/raw");
        Assert.Equal("FF0080", await bytes.Content.ReadAsStringAsync());
        Assert.Equal("{\"$base64\":\"/wCA\"}", await json.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Server", "FF0080", "{\"$base64\":\"/wCA\"}")]
    [InlineData("Server", "FBEFBEFF", "{\"$base64\":\"\\u002B\\u002B\\u002B\\u002B/w==\"}")]
    [InlineData("Server", "000000C8", "{\"$base64\":\"AAAAyA==\"}")]
    [InlineData("Server", "68C3A9", "\"h\\u00E9\"")]
    [InlineData("Server", "-", "\"\"")]
    [InlineData("Cookie", "FBEFBEFF", "{\"$base64\":\"\\u002B\\u002B\\u002B\\u002B/w==\"}")]
    [InlineData("Cookie", "68C3A9", "\"h\\u00E9\"")]
    public async Task Bytes_SetThenReadInTheSameAndTheNextRequest_SameBytesAndJson(string mode, string hex, string json)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        var jar = new CookieJar();
        var expected = hex == "-" ? string.Empty : hex;
        using var set = await jar.PostAsync(app.Client, $"/bytes/b/{hex}");
        using var bytes = await jar.GetAsync(app.Client, "/bytes/b");
        using var node = await jar.GetAsync(app.Client, "/json/b");
        Assert.Equal(expected, await set.Content.ReadAsStringAsync());
        Assert.Equal(expected, await bytes.Content.ReadAsStringAsync());
        Assert.Equal(json, await node.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task JsonValue_SetThroughTesseraSession_ReadAsTextThroughISession()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings());
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/json/n", CookieJar.Json("{\"a\":[1,2]}"));
        using var get = await jar.GetAsync(app.Client, "/get/n");
        Assert.Equal("{\"a\":[1,2]}", await get.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SignIn_ExistingSession_ChangesCookie(string mode)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/cart/3");
        var before = jar[TesseraOptions.DefaultHostCookieName]!;
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        var after = jar[TesseraOptions.DefaultHostCookieName]!;
        Assert.NotEqual(before, after);
        using var who = await jar.GetAsync(app.Client, "/whoami");
        using var cart = await jar.GetAsync(app.Client, "/get/cart");
        Assert.Equal("alice", await who.Content.ReadAsStringAsync());
        Assert.Equal("3", await cart.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignIn_CookieFromBeforeSignIn_NoLongerOpensSession()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings());
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/cart/3");
        var planted = jar[TesseraOptions.DefaultHostCookieName]!;
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        var attacker = new CookieJar();
        attacker.Set(TesseraOptions.DefaultHostCookieName, planted);
        using var who = await attacker.GetAsync(app.Client, "/whoami");
        using var cart = await attacker.GetAsync(app.Client, "/get/cart");
        Assert.Equal("(anonymous)", await who.Content.ReadAsStringAsync());
        Assert.Equal("(none)", await cart.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignOut_ReplayedCookie_IsAnonymousAndCleared()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings());
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        var stolen = jar[TesseraOptions.DefaultHostCookieName]!;
        using var signOut = await jar.PostAsync(app.Client, "/signout");
        Assert.Contains("Expires=Thu, 01 Jan 1970", CookieJar.SetCookie(signOut, TesseraOptions.DefaultHostCookieName));
        Assert.Null(jar[TesseraOptions.DefaultHostCookieName]);

        var replay = new CookieJar();
        replay.Set(TesseraOptions.DefaultHostCookieName, stolen);
        using var who = await replay.GetAsync(app.Client, "/whoami");
        Assert.Equal("(anonymous)", await who.Content.ReadAsStringAsync());
        Assert.Contains("Expires=Thu, 01 Jan 1970", CookieJar.SetCookie(who, TesseraOptions.DefaultHostCookieName));
    }

    [Fact]
    public async Task CheckValue_Changed_OtherSessionSignedOut()
    {
        var checks = new MutableCheckValues();
        checks.Values["alice"] = "v1";
        await using var app = await SessionApp.StartAsync(TestApp.Settings(), s => s.AddSingleton<ITesseraCheckValueProvider>(checks));
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice?check=v1");
        using var still = await jar.GetAsync(app.Client, "/whoami");
        Assert.Equal("alice", await still.Content.ReadAsStringAsync());

        checks.Values["alice"] = "v2";
        using var after = await jar.GetAsync(app.Client, "/whoami");
        Assert.Equal("(anonymous)", await after.Content.ReadAsStringAsync());
        Assert.Contains("Expires=Thu, 01 Jan 1970", CookieJar.SetCookie(after, TesseraOptions.DefaultHostCookieName));
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task Cookie_Garbage10Kb_AnsweredNormallyAndCleared(string mode)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        var jar = new CookieJar();
        jar.Set(TesseraOptions.DefaultHostCookieName, new string('A', 10 * 1024));
        using var who = await jar.GetAsync(app.Client, "/whoami");
        Assert.Equal(HttpStatusCode.OK, who.StatusCode);
        Assert.Equal("(anonymous)", await who.Content.ReadAsStringAsync());
        Assert.Contains("Expires=Thu, 01 Jan 1970", CookieJar.SetCookie(who, TesseraOptions.DefaultHostCookieName));
    }

    [Theory]
    [InlineData("Server", "!!!not base64!!!")]
    [InlineData("Server", "AQ")]
    [InlineData("Cookie", "%00%ff")]
    [InlineData("Cookie", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Cookie_Hostile_AnsweredNormally(string mode, string value)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        var jar = new CookieJar();
        jar.Set(TesseraOptions.DefaultHostCookieName, value);
        using var set = await jar.PostAsync(app.Client, "/set/k/v");
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        using var get = await jar.GetAsync(app.Client, "/get/k");
        Assert.Equal("v", await get.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task Cookie_Tampered_NotAccepted(string mode)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");
        var value = jar[TesseraOptions.DefaultHostCookieName]!;
        var i = value.Length / 2;
        var tampered = value[..i] + (value[i] == 'A' ? 'B' : 'A') + value[(i + 1)..];
        var other = new CookieJar();
        other.Set(TesseraOptions.DefaultHostCookieName, tampered);
        using var who = await other.GetAsync(app.Client, "/whoami");
        Assert.Equal(HttpStatusCode.OK, who.StatusCode);
        Assert.Equal("(anonymous)", await who.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StoreFailure_OnLoad_Answers503WithoutData()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(), s => s.AddSingleton<ISessionStore, FailingStore>());
        var jar = new CookieJar();
        jar.Set(TesseraOptions.DefaultHostCookieName, "AY86RH6lwgGZvmES43oH985EeEghr3sA075UnEiqPzRnU7gRAT8tygVXxV2D7JVqSg");
        using var who = await jar.GetAsync(app.Client, "/whoami");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, who.StatusCode);
        Assert.DoesNotContain("anonymous", await who.Content.ReadAsStringAsync());
        Assert.Empty(CookieJar.SetCookies(who));
    }

    [Fact]
    public async Task SkippedEndpoint_CookieAndFailingStore_AnsweredWithoutTouchingStore()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(), s => s.AddSingleton<ISessionStore, FailingStore>());
        var jar = new CookieJar();
        jar.Set(TesseraOptions.DefaultHostCookieName, "AY86RH6lwgGZvmES43oH985EeEghr3sA075UnEiqPzRnU7gRAT8tygVXxV2D7JVqSg");
        using var response = await jar.GetAsync(app.Client, "/skipped");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no session", await response.Content.ReadAsStringAsync());
        Assert.Empty(CookieJar.SetCookies(response));
    }

    [Fact]
    public async Task StoreFailure_OnSave_Answers5xxAndSetsNoCookie()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(), s => s.AddSingleton<ISessionStore, FailingStore>());
        using var response = await app.Client.PostAsync("/signin/alice", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(CookieJar.SetCookies(response));
    }

    [Fact]
    public async Task Commit_ChangesCannotBeMerged_Answers409AndKeepsCookie()
    {
        var store = new ConflictingStore();
        await using var app = await SessionApp.StartAsync(TestApp.Settings(), s => s.AddSingleton<ISessionStore>(store));
        var jar = new CookieJar();
        using var first = await jar.PostAsync(app.Client, "/set/a/1");
        var cookie = jar[TesseraOptions.DefaultHostCookieName];
        store.Conflicting = true;
        using var second = await jar.PostAsync(app.Client, "/set/a/2");
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Empty(CookieJar.SetCookies(second));
        store.Conflicting = false;
        using var get = await jar.GetAsync(app.Client, "/get/a");
        Assert.Equal("1", await get.Content.ReadAsStringAsync());
        Assert.Equal(cookie, jar[TesseraOptions.DefaultHostCookieName]);
    }

    [Fact]
    public async Task EndpointThrows_SetOnExceptionOff_SessionNotSaved()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:SetOnException", "false")));
        using var response = await app.Client.PostAsync("/throw", null);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Null(CookieJar.SetCookie(response, TesseraOptions.DefaultHostCookieName));
    }
}
