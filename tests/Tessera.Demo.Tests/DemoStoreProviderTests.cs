using Tessera.TestSupport;
using System.Net;
using Tessera.Demo.Tests.Support;

namespace Tessera.Demo.Tests;

/// <summary>
/// The demo on the shared stores (real PostgreSQL and Redis started by test.sh, which exports TESSERA_TEST_POSTGRES and
/// TESSERA_TEST_REDIS): two demo processes with one secret and one store act as one site.
/// </summary>
public sealed class DemoStoreProviderTests
{
    [Theory]
    [InlineData("PostgreSql", "TESSERA_TEST_POSTGRES")]
    [InlineData("Redis", "TESSERA_TEST_REDIS")]
    public async Task SharedStore_TwoDemoProcesses_OneLogin(string provider, string variable)
    {
        var connection = Environment.GetEnvironmentVariable(variable);
        Assert.False(string.IsNullOrEmpty(connection), $"{variable} is not set: run ./test.sh, which starts {provider} and exports it.");
        var env = DemoServer.InsecureHttp(
            ("Tessera__Secrets__0", "ede14c8d7878f480a69631f557d17b6161c19e78b6af66977eaf34f018039447"),
            ("Tessera__Store__Provider", provider),
            ("Tessera__Store__ConnectionString", connection!));
        await using var a = await DemoServer.StartAsync(env);
        await using var b = await DemoServer.StartAsync(env);

        var jar = new CookieJar();
        using var login = await jar.PostAsync(a.Client, "/api/login", CookieJar.Json("""{"user":"bob","password":"bob-password"}"""));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var put = await jar.SendAsync(b.Client, HttpMethod.Put, "/api/session/data/where", CookieJar.Json("\"b\""));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using var session = await jar.GetAsync(a.Client, "/api/session");
        var body = await session.Content.ReadAsStringAsync();
        Assert.Contains("\"user\":\"bob\"", body);
        Assert.Contains("\"where\":\"b\"", body);

        var before = jar["tessera"]!;
        using var logout = await jar.PostAsync(b.Client, "/api/logout");
        var replay = new CookieJar();
        replay.Set("tessera", before);
        using var after = await replay.GetAsync(a.Client, "/api/session");
        Assert.Contains("\"user\":null", await after.Content.ReadAsStringAsync());
    }
}
