using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Sessions;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>
/// Server mode reads the record before the endpoint but opens it (decrypt, parse) only when the request uses the
/// session; an unused or unchanged session is written only when its idle expiry is due to slide.
/// </summary>
public sealed class DeferredSessionTests
{
    private static async Task<(TestApp App, CountingStore Store, FakeTimeProvider Time)> StartAsync()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new CountingStore(time);
        var app = await SessionApp.StartAsync(TestApp.Settings(), s => s.AddSingleton<TimeProvider>(time).AddSingleton<ISessionStore>(store));
        return (app, store, time);
    }

    [Fact]
    public async Task UntouchedRequest_WithCookie_ReadsStoreButNeverOpensOrSaves()
    {
        var (app, store, _) = await StartAsync();
        await using var _ = app;
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        var (loads, saves) = (store.Loads, store.Saves);

        // A damaged record would be rejected (cookie cleared) by any request that decrypts it.
        store.Damaged = true;
        using var plain = await jar.GetAsync(app.Client, "/plain");

        Assert.Equal("plain", await plain.Content.ReadAsStringAsync());
        Assert.Empty(CookieJar.SetCookies(plain));
        Assert.Equal(loads + 1, store.Loads);
        Assert.Equal(saves, store.Saves);

        // The same damage is seen as soon as the session is used: the record did not open, so the cookie is cleared.
        using var used = await jar.GetAsync(app.Client, "/get/a");
        Assert.Equal("(none)", await used.Content.ReadAsStringAsync());
        Assert.StartsWith(TesseraOptions.DefaultHostCookieName + "=;", CookieJar.SetCookie(used, TesseraOptions.DefaultHostCookieName) ?? "(no Set-Cookie)", StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlyRequest_NoTouchDue_NothingSaved()
    {
        var (app, store, time) = await StartAsync();
        await using var _ = app;
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        var saves = store.Saves;
        time.Advance(TimeSpan.FromSeconds(30));

        using var read = await jar.GetAsync(app.Client, "/get/a");
        using var plain = await jar.GetAsync(app.Client, "/plain");

        Assert.Equal("1", await read.Content.ReadAsStringAsync());
        Assert.Equal(saves, store.Saves);
        Assert.Empty(CookieJar.SetCookies(read));
        Assert.Empty(CookieJar.SetCookies(plain));
    }

    [Fact]
    public async Task UntouchedRequest_TouchDue_SavesOnceAndSlidesIdleExpiry()
    {
        var (app, store, time) = await StartAsync();
        await using var _ = app;
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        var saves = store.Saves;

        time.Advance(TimeSpan.FromMinutes(2));
        using var due = await jar.GetAsync(app.Client, "/plain");
        Assert.Equal(saves + 1, store.Saves);
        using var notAgain = await jar.GetAsync(app.Client, "/plain");
        Assert.Equal(saves + 1, store.Saves);

        // 21 minutes after the last write by /set, alive only because the untouched request slid its expiry.
        time.Advance(TimeSpan.FromMinutes(19));
        using var read = await jar.GetAsync(app.Client, "/get/a");
        Assert.Equal("1", await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UntouchedRequest_LongerPerSessionIdleTimeout_TouchStillHappens()
    {
        var (app, store, time) = await StartAsync();
        await using var _ = app;
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        using var remember = await jar.PostAsync(app.Client, "/remember");
        var saves = store.Saves;

        time.Advance(TimeSpan.FromHours(2));
        using var due = await jar.GetAsync(app.Client, "/plain");
        Assert.Equal(saves + 1, store.Saves);

        // 30 days and 1 hour after /remember: alive only because the untouched request slid the 30-day idle expiry.
        time.Advance(TimeSpan.FromDays(29) + TimeSpan.FromHours(23));
        using var read = await jar.GetAsync(app.Client, "/get/a");
        Assert.Equal("1", await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SynchronousSessionAccess_SlowStore_ReadFinishedBeforeEndpointAndNoLoadDuringIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new CountingStore(time);
        await using var app = await TestApp.StartAsync(
            b => b.Services.AddSingleton<TimeProvider>(time).AddSingleton<ISessionStore>(store).AddTessera(),
            a =>
            {
                a.UseTessera();
                a.MapPost("/set", (HttpContext c) =>
                {
                    c.Session.SetString("a", "1");
                    return "ok";
                });

                // No LoadAsync: the synchronous ISession API alone, as most applications use it.
                a.MapGet("/sync", (HttpContext c) =>
                {
                    var before = store.Loads;
                    var value = c.Session.GetString("a");
                    return $"{before}:{store.Loads}:{value}";
                });
            },
            TestApp.Settings());
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set");
        store.LoadDelay = TimeSpan.FromMilliseconds(50);
        var loads = store.Loads;

        using var read = await jar.GetAsync(app.Client, "/sync");

        // The load (which completes on a timer thread) was awaited before the endpoint; the getter itself did none.
        Assert.Equal($"{loads + 1}:{loads + 1}:1", await read.Content.ReadAsStringAsync());
    }
}
