using Tessera.TestSupport;
using System.Net;
using Tessera.Demo.Tests.Support;

namespace Tessera.Demo.Tests;

/// <summary>Zero configuration: SQLite file in the working directory and Tessera's development secret, kept across restarts.</summary>
public sealed class DemoStartupTests
{
    [Fact]
    public async Task ZeroConfig_Restart_KeepsEveryoneSignedIn()
    {
        var dir = Directory.CreateTempSubdirectory("tessera-demo-restart-").FullName;
        var jar = new CookieJar();
        await using (var first = await DemoServer.StartAsync(workingDirectory: dir))
        {
            Assert.Contains("No Tessera:Secrets configured: using the development secret", first.Output);
            using var login = await jar.PostAsync(first.Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-password"}"""));
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);

            // Development (appsettings.Development.json): plain-http localhost, so not Secure; HttpOnly, SameSite=Lax.
            var header = CookieJar.SetCookie(login, "tessera")!.ToLowerInvariant();
            Assert.DoesNotContain("; secure", header);
            Assert.Contains("; httponly", header);
            Assert.Contains("; samesite=lax", header);
        }

        Assert.True(File.Exists(Path.Combine(dir, "tessera", "dev-secrets", "Tessera.Demo.key")));
        Assert.True(File.Exists(Path.Combine(dir, "tessera-sessions.db")));

        await using var second = await DemoServer.StartAsync(workingDirectory: dir);
        using var session = await jar.GetAsync(second.Client, "/api/session");
        Assert.Contains("\"user\":\"alice\"", await session.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ConfiguredSecretAndMemoryStore_Honoured()
    {
        var env = DemoServer.InsecureHttp(
            ("Tessera__Secrets__0", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
            ("Tessera__Store__Provider", "Memory"),
            ("Demo__Users__zoe", "zoe-password"));
        await using var demo = await DemoServer.StartAsync(env);
        Assert.DoesNotContain("No Tessera:Secrets configured", demo.Output);
        Assert.False(File.Exists(Path.Combine(demo.WorkingDirectory, "tessera-sessions.db")));
        var jar = new CookieJar();
        using var login = await jar.PostAsync(demo.Client, "/api/login", CookieJar.Json("""{"user":"zoe","password":"zoe-password"}"""));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task BadConfiguration_ExitsWithMessageNamingTheKey()
    {
        var env = DemoServer.InsecureHttp(("Tessera__Secrets__0", "00112233"));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => DemoServer.StartAsync(env));
        Assert.Contains("Tessera:Secrets:0 is 4 bytes", ex.Message);
    }

    [Fact]
    public async Task Production_NoSecret_ExitsSayingWhatToSet()
    {
        var env = DemoServer.InsecureHttp(("ASPNETCORE_ENVIRONMENT", "Production"));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => DemoServer.StartAsync(env));
        Assert.Contains("Tessera:Secrets is empty", ex.Message);
        Assert.Contains("Tessera__Secrets__0", ex.Message);
    }
}
