using System.Net;
using System.Text.Json.Nodes;
using Tessera.Demo.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.Demo.Tests;

/// <summary>The sign-in rate limits (per client IP, per user name), each on a demo process of its own with low limits.</summary>
public sealed class DemoLoginLimitTests
{
    [Fact]
    public async Task Login_FloodFromOneClient_Returns429WithRetryAfter()
    {
        await using var demo = await DemoServer.StartAsync(DemoServer.InsecureHttp(
            ("Demo__LoginAttemptsPerClient", "3"), ("Demo__LoginAttemptsPerUser", "100"), ("Demo__LoginWindow", "00:10:00")));
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await Login(demo, $"user{i}", "wrong");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Even the right password is refused now: the limit counts attempts, not failures.
        using var refused = await Login(demo, "alice", "alice-password");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 600);
        Assert.Contains($"try again in {retryAfter} s", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(CookieJar.SetCookies(refused));

        // The HTML form shares the client's budget and answers with a page.
        using var form = await demo.Client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "alice", ["password"] = "alice-password" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        Assert.True(form.Headers.Contains("Retry-After"));
        Assert.Contains("Too many sign-in attempts", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Other endpoints are not limited.
        using var session = await demo.Client.GetAsync("/api/session");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
    }

    [Fact]
    public async Task Login_FloodOnOneUserName_Returns429ForThatNameOnly()
    {
        await using var demo = await DemoServer.StartAsync(DemoServer.InsecureHttp(
            ("Demo__LoginAttemptsPerClient", "100"), ("Demo__LoginAttemptsPerUser", "2"), ("Demo__LoginWindow", "00:10:00")));
        using var first = await Login(demo, "alice", "guess-1");
        using var second = await Login(demo, "ALICE ", "guess-2"); // the same name, however it is spelled
        using var third = await Login(demo, "alice", "alice-password");
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.Contains("Retry-After"));

        using var bob = await Login(demo, "bob", "bob-password");
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);

        // An unknown name is limited the same way: the answers do not tell which names exist.
        using var n1 = await Login(demo, "nobody", "x");
        using var n2 = await Login(demo, "nobody", "x");
        using var n3 = await Login(demo, "nobody", "x");
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], [n1.StatusCode, n2.StatusCode, n3.StatusCode]);
    }

    [Theory]
    [InlineData("Demo__LoginAttemptsPerClient", "0", "Demo:LoginAttemptsPerClient")]
    [InlineData("Demo__LoginWindow", "-00:01:00", "Demo:LoginWindow")]
    public async Task Start_BadLimit_ExitsNamingTheKey(string key, string value, string message)
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => DemoServer.StartAsync(DemoServer.InsecureHttp((key, value))));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> Login(SampleServer demo, string user, string password) =>
        demo.Client.PostAsync("/api/login", CookieJar.Json(new JsonObject { ["user"] = user, ["password"] = password }.ToJsonString()));
}
