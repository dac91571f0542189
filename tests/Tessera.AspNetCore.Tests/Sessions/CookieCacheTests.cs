using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>
/// Cookie mode opens its cookie on first use and keeps recently opened (or sealed) cookies in a bounded cache: a cookie
/// seen again gets the verdict a fresh open would give, at the current clock, and no request's changes reach another.
/// </summary>
public sealed class CookieCacheTests
{
    private const string Name = TesseraOptions.DefaultHostCookieName;
    private const string OtherSecret = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";

    private static Task<TestApp> StartAsync(FakeTimeProvider time, params (string Key, string? Value)[] settings) =>
        TestApp.StartAsync(
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(time);
                b.Services.AddTessera();
            },
            app =>
            {
                app.UseTessera();
                app.MapGet("/plain", () => "plain");
                app.MapGet("/get/{key}", (HttpContext c, string key) => c.Session.GetString(key) ?? "(none)");
                app.MapPost("/set/{key}/{value}", (HttpContext c, string key, string value) =>
                {
                    c.Session.SetString(key, value);
                    return "ok";
                });
                app.MapGet("/json/{key}", (HttpContext c, string key) =>
                    c.GetTesseraSession().TryGetValue(key, out var v) ? v?.ToJsonString() ?? "null" : "(none)");
                app.MapPost("/json/{key}", async (HttpContext c, string key) =>
                {
                    c.GetTesseraSession().SetValue(key, await JsonNode.ParseAsync(c.Request.Body));
                    return "ok";
                });
                // Changes the node the session handed out, in place, without setting it: never stored, never shared.
                app.MapPost("/mutate-in-place/{key}", (HttpContext c, string key) =>
                {
                    c.GetTesseraSession().TryGetValue(key, out var v);
                    var node = (JsonObject)v!;
                    node["x"] = "changed";
                    ((JsonArray)node["list"]!).Add(99);
                    return node.ToJsonString();
                });
            },
            TestApp.Settings([("Tessera:Mode", "Cookie"), .. settings]));

    private static CookieSessionServices Services(TestApp app) => ((CookieModeEngine)app.Services.GetRequiredService<ISessionEngine>()).Services;

    private static async Task<string> BodyAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    [Fact]
    public async Task Read_CookieThisServerSealed_HitReturnsSameData()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(time);
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/json/profile", CookieJar.Json("""{"name":"ann","tags":["a","b"],"n":1.5}"""));
        Assert.Equal(1, Services(app).CachedCookies); // the value the response sealed is cached before the client sends it

        using var read = await jar.GetAsync(app.Client, "/json/profile");
        using var again = await jar.GetAsync(app.Client, "/json/profile");

        Assert.Equal("""{"name":"ann","tags":["a","b"],"n":1.5}""", await BodyAsync(read));
        Assert.Equal(await BodyAsync(read), await BodyAsync(again));
        Assert.Empty(CookieJar.SetCookies(read));
        Assert.Equal(1, Services(app).CachedCookies);
    }

    [Fact]
    public async Task Read_CookieFromAnotherServer_OpenedOnceThenCached()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var writer = await StartAsync(time);
        await using var reader = await StartAsync(time);
        var jar = new CookieJar();
        using var set = await jar.PostAsync(writer.Client, "/set/a/1");
        Assert.Equal(0, Services(reader).CachedCookies);

        using var first = await jar.GetAsync(reader.Client, "/get/a");
        using var second = await jar.GetAsync(reader.Client, "/get/a");

        Assert.Equal(("1", "1"), (await BodyAsync(first), await BodyAsync(second)));
        Assert.Equal(1, Services(reader).CachedCookies);
    }

    [Theory]
    [InlineData("4096")]
    [InlineData("0")]
    public async Task Read_AfterIdleTimeout_ExpiredOnHitAndCleared(string cacheSize)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(time, ("Tessera:CookieCacheSize", cacheSize));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        using var hit = await jar.GetAsync(app.Client, "/get/a");
        Assert.Equal("1", await BodyAsync(hit));

        time.Advance(TimeSpan.FromMinutes(21)); // past the 20-minute idle timeout: the cached entry must not keep it alive
        using var expired = await jar.GetAsync(app.Client, "/get/a");

        Assert.Equal("(none)", await BodyAsync(expired));
        Assert.StartsWith(Name + "=;", CookieJar.SetCookie(expired, Name) ?? "(no Set-Cookie)", StringComparison.Ordinal);
        Assert.Equal(0, Services(app).CachedCookies);
    }

    [Theory]
    [InlineData("4096")]
    [InlineData("0")]
    public async Task UntouchedRequest_ReissueDue_CookieStillReissued(string cacheSize)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(time, ("Tessera:CookieCacheSize", cacheSize));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        var first = jar[Name];

        time.Advance(TimeSpan.FromSeconds(30));
        using var early = await jar.GetAsync(app.Client, "/plain");
        Assert.Empty(CookieJar.SetCookies(early));

        // Past the 1-minute re-issue time, a request that never touches its session still slides the idle expiry.
        time.Advance(TimeSpan.FromMinutes(2));
        using var due = await jar.GetAsync(app.Client, "/plain");
        Assert.NotNull(CookieJar.SetCookie(due, Name));
        Assert.NotEqual(first, jar[Name]);

        time.Advance(TimeSpan.FromMinutes(19)); // 21 minutes after the first cookie: alive only through the re-issue
        using var later = await jar.GetAsync(app.Client, "/get/a");
        Assert.Equal("1", await BodyAsync(later));
    }

    [Theory]
    [InlineData("4096")]
    [InlineData("0")]
    public async Task UntouchedRequest_TamperedCookie_ClearedAndNeverCached(string cacheSize)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(time, ("Tessera:CookieCacheSize", cacheSize));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        var value = jar[Name]!;
        var cached = Services(app).CachedCookies;

        // One character of the ciphertext changed: not the cached value, and the tag does not verify.
        var i = value.Length / 2;
        jar.Set(Name, value[..i] + (value[i] == 'A' ? 'B' : 'A') + value[(i + 1)..]);
        using var plain = await jar.GetAsync(app.Client, "/plain");

        Assert.StartsWith(Name + "=;", CookieJar.SetCookie(plain, Name) ?? "(no Set-Cookie)", StringComparison.Ordinal);
        Assert.Equal(cached, Services(app).CachedCookies);
        jar.Set(Name, value[..i] + (value[i] == 'A' ? 'B' : 'A') + value[(i + 1)..]);
        using var read = await jar.GetAsync(app.Client, "/get/a");
        Assert.Equal("(none)", await BodyAsync(read));
    }

    [Fact]
    public async Task Mutation_InRequestA_NotVisibleToRequestBWithSameCookie()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(time);
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/json/obj", CookieJar.Json("""{"x":"original","list":[1]}"""));
        var cookie = jar[Name]!;
        using var warm = await jar.GetAsync(app.Client, "/json/obj");

        // Request A changes the returned node in place and sets another key; its response cookie is thrown away.
        var a = new CookieJar();
        a.Set(Name, cookie);
        using var mutated = await a.PostAsync(app.Client, "/mutate-in-place/obj");
        Assert.Equal("""{"x":"changed","list":[1,99]}""", await BodyAsync(mutated));
        using var setOther = await a.PostAsync(app.Client, "/set/b/2");

        // Request B presents the same cookie: it sees the cookie's data, nothing of A's.
        var b = new CookieJar();
        b.Set(Name, cookie);
        using var obj = await b.GetAsync(app.Client, "/json/obj");
        b.Set(Name, cookie);
        using var other = await b.GetAsync(app.Client, "/get/b");

        Assert.Equal("""{"x":"original","list":[1]}""", await BodyAsync(obj));
        Assert.Equal("(none)", await BodyAsync(other));
    }

    [Fact]
    public async Task ConcurrentHits_SameCookie_AllSeeSameData()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(time);
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/json/obj", CookieJar.Json("""{"x":"original","list":[1]}"""));
        var cookie = jar[Name]!;

        var bodies = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
        {
            var own = new CookieJar();
            own.Set(Name, cookie);
            using var response = i % 2 == 0 ? await own.GetAsync(app.Client, "/json/obj") : await own.PostAsync(app.Client, "/mutate-in-place/obj");
            return (i, Body: await BodyAsync(response));
        }));

        Assert.All(bodies, r => Assert.Equal(r.i % 2 == 0 ? """{"x":"original","list":[1]}""" : """{"x":"changed","list":[1,99]}""", r.Body));
    }

    [Fact]
    public async Task Cache_AtItsBound_EvictsAndEvictedCookieStillOpens()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(time, ("Tessera:CookieCacheSize", "2"));
        var jars = new[] { new CookieJar(), new CookieJar(), new CookieJar() };
        for (var i = 0; i < jars.Length; i++)
        {
            using var set = await jars[i].PostAsync(app.Client, $"/set/a/{i}");
        }

        Assert.Equal(2, Services(app).CachedCookies);
        for (var i = 0; i < jars.Length; i++)
        {
            using var read = await jars[i].GetAsync(app.Client, "/get/a");
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), await BodyAsync(read));
            Assert.True(Services(app).CachedCookies <= 2);
        }
    }

    [Fact]
    public async Task CacheOff_NothingCached_SameAnswers()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(time, ("Tessera:CookieCacheSize", "0"));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        using var read = await jar.GetAsync(app.Client, "/get/a");
        using var plain = await jar.GetAsync(app.Client, "/plain");

        Assert.Equal("1", await BodyAsync(read));
        Assert.Empty(CookieJar.SetCookies(read));
        Assert.Empty(CookieJar.SetCookies(plain));
        Assert.Equal(0, Services(app).CachedCookies);
    }

    [Fact]
    public async Task KeyringChange_CachedCookies_JudgedByTheNewKeyring()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var before = await StartAsync(time);
        var jar = new CookieJar();
        using var set = await jar.PostAsync(before.Client, "/set/a/1");
        var old = jar[Name]!;
        using var cachedRead = await jar.GetAsync(before.Client, "/get/a");
        Assert.Equal(1, Services(before).CachedCookies);

        // Rotation: a new secret in front, the old one still opens; the cookie is re-issued under the new key.
        await using var rotated = await StartAsync(time, ("Tessera:Secrets:0", OtherSecret), ("Tessera:Secrets:1", TestApp.Secret));
        using var reissued = await jar.GetAsync(rotated.Client, "/get/a");
        Assert.Equal("1", await BodyAsync(reissued));
        Assert.NotNull(CookieJar.SetCookie(reissued, Name));
        Assert.NotEqual(old, jar[Name]);

        // Removal: the old secret gone, the cookie it sealed is refused however recently it was seen (and re-issued
        // again on every request while the rotation lasts).
        await using var removed = await StartAsync(time, ("Tessera:Secrets:0", OtherSecret));
        var stale = new CookieJar();
        stale.Set(Name, old);
        using var refused = await stale.GetAsync(removed.Client, "/get/a");
        Assert.Equal("(none)", await BodyAsync(refused));
        Assert.Equal(0, Services(removed).CachedCookies);
        using var current = await jar.GetAsync(removed.Client, "/get/a");
        Assert.Equal("1", await BodyAsync(current));
    }

    [Fact]
    public async Task KeyRotation_CachedOldKeyCookie_ReissuedOnEveryHit()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var before = await StartAsync(time);
        var jar = new CookieJar();
        using var set = await jar.PostAsync(before.Client, "/set/a/1");
        var old = jar[Name]!;
        await using var rotated = await StartAsync(time, ("Tessera:Secrets:0", OtherSecret), ("Tessera:Secrets:1", TestApp.Secret));

        for (var i = 0; i < 2; i++)
        {
            var client = new CookieJar();
            client.Set(Name, old);
            using var untouched = await client.GetAsync(rotated.Client, "/plain"); // second time: a cache hit
            Assert.NotNull(CookieJar.SetCookie(untouched, Name));
            Assert.NotEqual(old, client[Name]);
        }
    }
}
