using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>Cookie chunking and the per-session size limit, through real Kestrel (IPv4 and, where named, ::1).</summary>
public sealed class SessionLimitTests
{
    private const string Name = TesseraOptions.DefaultHostCookieName;
    private const int SessionTooLargeEvent = 2008;
    private const int ChangedAfterStartEvent = 2003;
    private const int CookieRejectedEvent = 1100; // the core's one log line per rejected cookie

    [Fact]
    public async Task CookieMode_LargeSession_ChunkedAndReadBack()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", "Cookie")));
        var jar = new CookieJar();
        var big = Quoted(new string('b', 6000));

        using var set = await jar.PostAsync(app.Client, "/json/big", CookieJar.Json(big));
        using var get = await jar.GetAsync(app.Client, "/json/big");

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.StartsWith(Name + "=chunks-", CookieJar.SetCookie(set, Name), StringComparison.Ordinal);
        var chunks = int.Parse(jar[Name]!["chunks-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(chunks, 2, 4);
        Assert.All(Enumerable.Range(1, chunks), i => Assert.NotNull(jar[Name + "C" + i]));
        Assert.All(CookieJar.SetCookies(set), h => Assert.True(h.Length <= 4050, $"a Set-Cookie of {h.Length} characters"));
        Assert.Equal(big, await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CookieMode_SessionShrinks_StaleChunksDeleted()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", "Cookie")));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/json/big", CookieJar.Json(Quoted(new string('b', 6000))));
        Assert.NotNull(jar[Name + "C2"]);

        using var shrink = await jar.PostAsync(app.Client, "/json/big", CookieJar.Json("\"small\""));
        using var get = await jar.GetAsync(app.Client, "/json/big");

        Assert.DoesNotContain("chunks-", jar[Name], StringComparison.Ordinal);
        Assert.Contains(CookieJar.SetCookies(shrink), h => h.StartsWith(Name + "C1=;", StringComparison.Ordinal) && h.Contains("Max-Age=0", StringComparison.Ordinal));
        Assert.Contains(CookieJar.SetCookies(shrink), h => h.StartsWith(Name + "C2=;", StringComparison.Ordinal) && h.Contains("Max-Age=0", StringComparison.Ordinal));
        Assert.DoesNotContain(jar.All.Keys, k => k.StartsWith(Name + "C", StringComparison.Ordinal));
        Assert.Equal("\"small\"", await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CookieMode_MissingChunk_NewSessionWithVerdict()
    {
        var logs = new ListLoggerProvider();
        await using var app = await SessionApp.StartAsync(
            TestApp.Settings(("Tessera:Mode", "Cookie")), s => s.AddSingleton<ILoggerProvider>(logs).AddLogging(b => b.SetMinimumLevel(LogLevel.Debug)));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/json/big", CookieJar.Json(Quoted(new string('b', 6000))));
        jar.Remove(Name + "C2");

        using var get = await jar.GetAsync(app.Client, "/json/big");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("(none)", await get.Content.ReadAsStringAsync());
        Assert.Contains(logs.WithId(CookieRejectedEvent), e => e.Message.EndsWith("Malformed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CookieMode_OverMaxChunksOverIPv6_Answers413AndEarlierCookieStillWorks()
    {
        var logs = new ListLoggerProvider();
        await using var app = await SessionApp.StartAsync(
            TestApp.Settings(("Tessera:Mode", "Cookie")), s => s.AddSingleton<ILoggerProvider>(logs), url: "http://[::1]:0");
        Assert.Equal("[::1]", app.Address.Host);
        var jar = new CookieJar();
        using var first = await jar.PostAsync(app.Client, "/set/color/blue");
        var before = jar[Name];

        using var tooBig = await jar.PostAsync(app.Client, "/json/big", CookieJar.Json(Quoted(new string('b', 20_000))));
        using var get = await jar.GetAsync(app.Client, "/get/color");
        using var big = await jar.GetAsync(app.Client, "/json/big");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", tooBig.Content.Headers.ContentType?.ToString());
        var body = await tooBig.Content.ReadAsStringAsync();
        Assert.Contains("The session is too large.", body, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved", body, StringComparison.Ordinal);
        Assert.Empty(CookieJar.SetCookies(tooBig));
        Assert.Equal(before, jar[Name]);
        Assert.Equal("blue", await get.Content.ReadAsStringAsync());
        Assert.Equal("(none)", await big.Content.ReadAsStringAsync());
        var log = Assert.Single(logs.WithId(SessionTooLargeEvent));
        Assert.Contains("(cookie mode)", log.Message, StringComparison.Ordinal);
        Assert.Contains("Tessera:MaxCookieChunks", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(before!, log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CookieMode_SetterOverLimit_ThrowsWithSizeLimitAndOption()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", "Cookie"), ("Tessera:MaxCookieChunks", "1")));
        var jar = new CookieJar();

        using var caught = await jar.PostAsync(app.Client, "/catch-too-large/k/5000");
        using var fits = await jar.PostAsync(app.Client, "/catch-too-large/k/1000");

        var parts = (await caught.Content.ReadAsStringAsync()).Split('|');
        var size = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var limit = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(size > limit, $"size {size}, limit {limit}");
        Assert.InRange(limit, 3900, 4050);
        Assert.Equal("Tessera:MaxCookieChunks", parts[2]);
        Assert.Contains($"The session cookie would be {size} bytes, more than the {limit} bytes that fit in Tessera:MaxCookieChunks = 1 cookies", parts[3], StringComparison.Ordinal);
        Assert.Equal("stored", await fits.Content.ReadAsStringAsync());
        Assert.DoesNotContain("chunks-", jar[Name], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerMode_FiveMegabytePut_Answers413NothingStoredAndCounted()
    {
        var counted = new ConcurrentBag<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Tessera" && instrument.Name == "tessera.session.too_large")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "tessera.session.mode")
                {
                    counted.Add(tag.Value?.ToString());
                }
            }
        });
        listener.Start();
        var logs = new ListLoggerProvider();
        await using var app = await SessionApp.StartAsync(TestApp.Settings(), s => s.AddSingleton<ILoggerProvider>(logs));
        var huge = CookieJar.Json(Quoted(new string('h', 5 * 1024 * 1024)));

        // Anonymous: no session is created for it.
        using var anonymous = await app.Client.PostAsync("/json/big", huge);
        var jar = new CookieJar();
        using var first = await jar.PostAsync(app.Client, "/set/color/blue");
        var cookie = jar[Name];
        using var again = await jar.PostAsync(app.Client, "/json/big", CookieJar.Json(Quoted(new string('h', 5 * 1024 * 1024))));
        using var big = await jar.GetAsync(app.Client, "/json/big");
        using var color = await jar.GetAsync(app.Client, "/get/color");

        foreach (var refused in new[] { anonymous, again })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
            Assert.Empty(CookieJar.SetCookies(refused));
            Assert.Contains("over its limit of 1048576 bytes", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(cookie, jar[Name]);
        Assert.Equal("(none)", await big.Content.ReadAsStringAsync());
        Assert.Equal("blue", await color.Content.ReadAsStringAsync());
        Assert.Equal(2, logs.WithId(SessionTooLargeEvent).Count(e => e.Message.Contains("(server mode)", StringComparison.Ordinal) && e.Message.Contains("Tessera:MaxSessionSize", StringComparison.Ordinal)));
        Assert.True(counted.Count(m => m == "server") >= 2, $"counted: {string.Join(',', counted)}");
    }

    [Fact]
    public async Task ServerMode_ISessionSetOverLimit_ThrowsNamingTheOptionAndKeepsThePreviousValue()
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:MaxSessionSize", "2048")));
        var jar = new CookieJar();
        using var small = await jar.PostAsync(app.Client, "/catch-too-large/k/100");
        using var caught = await jar.PostAsync(app.Client, "/catch-too-large/k/3000");
        using var get = await jar.GetAsync(app.Client, "/get/k");

        Assert.Equal("stored", await small.Content.ReadAsStringAsync());
        var parts = (await caught.Content.ReadAsStringAsync()).Split('|');
        Assert.Equal("2048", parts[1]);
        Assert.Equal("Tessera:MaxSessionSize", parts[2]);
        Assert.Contains($"The session would hold {parts[0]} bytes of JSON, over the limit of 2048 bytes (Tessera:MaxSessionSize)", parts[3], StringComparison.Ordinal);
        Assert.Contains("raise Tessera:MaxSessionSize", parts[3], StringComparison.Ordinal);
        Assert.Equal(new string('x', 100), await get.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(600, false)]
    public async Task ServerMode_ISessionBytesNearLimit_CountedAsTheSameJsonNode(int repeats, bool fits)
    {
        // FB EF BE is "++++" in base64: stored as "\u002B" each, counted as '+' like every other value.
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:MaxSessionSize", "2048")));
        var jar = new CookieJar();
        using var response = await jar.PostAsync(app.Client, "/size-of-bytes/" + string.Concat(Enumerable.Repeat("FBEFBE", repeats)));
        var counted = (await response.Content.ReadAsStringAsync()).Split('|');
        Assert.Equal(counted[1], counted[0]);
        Assert.Equal(fits, counted[0] == "stored");
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task Commit_ChangeBeforeResponseStarts_NoLostChangeLogged(string mode)
    {
        var logs = new ListLoggerProvider();
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)), s => s.AddSingleton<ILoggerProvider>(logs));
        var jar = new CookieJar();

        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        using var again = await jar.PostAsync(app.Client, "/set/a/2");
        using var get = await jar.GetAsync(app.Client, "/get/a");

        Assert.Equal("2", await get.Content.ReadAsStringAsync());
        Assert.Empty(logs.WithId(ChangedAfterStartEvent));
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task Commit_ChangeAfterResponseStarted_LostChangeLogged(string mode)
    {
        var logs = new ListLoggerProvider();
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)), s => s.AddSingleton<ILoggerProvider>(logs));
        var jar = new CookieJar();

        using var set = await jar.PostAsync(app.Client, "/set/a/1");
        using var late = await jar.PostAsync(app.Client, "/late/a/2");
        using var get = await jar.GetAsync(app.Client, "/get/a");

        Assert.Equal("1", await get.Content.ReadAsStringAsync());
        Assert.Single(logs.WithId(ChangedAfterStartEvent));
    }

    private static string Quoted(string text) => "\"" + text + "\"";
}
