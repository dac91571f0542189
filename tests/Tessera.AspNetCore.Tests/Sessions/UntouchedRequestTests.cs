using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Sessions;
using Tessera.Sqlite;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>
/// A server-mode request that carries a cookie but never uses its session, on the memory store and on real SQLite:
/// it writes nothing and sends no cookie unless the session's idle expiry is due to slide, and every path where the
/// session is used (before the endpoint starts the response, or after) behaves as a used session always has.
/// </summary>
public sealed class UntouchedRequestTests : IDisposable
{
    private const string CookieName = TesseraOptions.DefaultHostCookieName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _directory = Directory.CreateTempSubdirectory("tessera-untouched-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<TestApp> StartAsync(string store, params (string Key, string? Value)[] settings) =>
        TestApp.StartAsync(
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(_time);
                var tessera = b.Services.AddTessera();
                if (store == "Sqlite")
                {
                    tessera.AddSqliteStore($"Data Source={Path.Combine(_directory, "sessions.db")}");
                }
            },
            a =>
            {
                a.UseTessera();
                a.MapGet("/plain", () => "plain");
                a.MapPost("/set/{key}/{value}", (HttpContext c, string key, string value) =>
                {
                    c.Session.SetString(key, value);
                    return "ok";
                });
                a.MapGet("/get/{key}", (HttpContext c, string key) => c.Session.GetString(key) ?? "(none)");

                // Uses the session, then starts the response itself before returning.
                a.MapPost("/early/{key}/{value}", async (HttpContext c, string key, string value) =>
                {
                    c.Session.SetString(key, value);
                    await c.Response.WriteAsync("started");
                    await c.Response.Body.FlushAsync();
                });

                // Starts the response without ever using the session.
                a.MapGet("/early-plain", async (HttpContext c) =>
                {
                    await c.Response.WriteAsync("started");
                    await c.Response.Body.FlushAsync();
                });
            },
            TestApp.Settings([("Tessera:Store:Provider", store == "Sqlite" ? null : store), .. settings]));

    private static async Task<DateTimeOffset?> StoredExpiryAsync(TestApp app, CookieJar jar)
    {
        Assert.True(SessionHandle.TryParse(jar[CookieName], out var handle), "the jar holds no session handle");
        var record = await app.Services.GetRequiredService<SessionManager>().Store.LoadAsync(handle!.Key, CancellationToken.None);
        return record?.ExpiresAt;
    }

    [Theory]
    [InlineData("Memory")]
    [InlineData("Sqlite")]
    public async Task UntouchedRequest_NoTouchDue_NoSetCookieAndNothingStored(string store)
    {
        await using var app = await StartAsync(store, ("Tessera:Cookie:MaxAge", "01:00:00"));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        var expiry = await StoredExpiryAsync(app, jar);
        _time.Advance(TimeSpan.FromSeconds(30));

        using var plain = await jar.GetAsync(app.Client, "/plain");
        using var early = await jar.GetAsync(app.Client, "/early-plain");

        Assert.Equal("plain", await plain.Content.ReadAsStringAsync());
        Assert.Empty(CookieJar.SetCookies(plain));
        Assert.Empty(CookieJar.SetCookies(early));
        Assert.Equal(expiry, await StoredExpiryAsync(app, jar));
    }

    [Theory]
    [InlineData("Memory", "/plain")]
    [InlineData("Sqlite", "/plain")]
    [InlineData("Memory", "/early-plain")]
    [InlineData("Sqlite", "/early-plain")]
    public async Task UntouchedRequest_TouchDue_SetCookieAndLaterExpiryStored(string store, string path)
    {
        await using var app = await StartAsync(store, ("Tessera:Cookie:MaxAge", "01:00:00"));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        var cookie = jar[CookieName];
        var expiry = await StoredExpiryAsync(app, jar);
        _time.Advance(TimeSpan.FromMinutes(2));

        using var due = await jar.GetAsync(app.Client, path);

        // The same handle, re-sent so that its Max-Age slides with the stored idle expiry.
        var header = CookieJar.SetCookie(due, CookieName);
        Assert.NotNull(header);
        Assert.StartsWith($"{CookieName}={cookie};", header, StringComparison.Ordinal);
        Assert.Equal(expiry + TimeSpan.FromMinutes(2), await StoredExpiryAsync(app, jar));
    }

    [Theory]
    [InlineData("Memory")]
    [InlineData("Sqlite")]
    public async Task UsedSession_EndpointStartsResponseEarly_SetCookieSentAndSaved(string store)
    {
        await using var app = await StartAsync(store);
        var jar = new CookieJar();

        // A new session: its cookie can only reach the client through the before-the-response commit.
        using var early = await jar.PostAsync(app.Client, "/early/a/1");
        Assert.Equal("started", await early.Content.ReadAsStringAsync());
        Assert.NotNull(CookieJar.SetCookie(early, CookieName));

        // An existing session, untouched first, then changed by an endpoint that starts its response early.
        using var plain = await jar.GetAsync(app.Client, "/plain");
        using var change = await jar.PostAsync(app.Client, "/early/a/2");
        using var get = await jar.GetAsync(app.Client, "/get/a");

        Assert.Empty(CookieJar.SetCookies(plain));
        Assert.Equal("2", await get.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Memory")]
    [InlineData("Sqlite")]
    public async Task UntouchedRequest_RecordGone_CookieCleared(string store)
    {
        await using var app = await StartAsync(store);
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        Assert.True(SessionHandle.TryParse(jar[CookieName], out var handle));
        await app.Services.GetRequiredService<SessionManager>().Store.DeleteAsync(handle!.Key, CancellationToken.None);

        using var plain = await jar.GetAsync(app.Client, "/plain");

        // A dead handle is answered as it always was: the untouched request still clears the cookie.
        Assert.StartsWith(CookieName + "=;", CookieJar.SetCookie(plain, CookieName) ?? "(no Set-Cookie)", StringComparison.Ordinal);
    }
}
