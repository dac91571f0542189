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
    public async Task Password_ChangedThenRestart_NewPasswordKeptAndSeenByASecondServer()
    {
        var dir = Directory.CreateTempSubdirectory("tessera-demo-password-").FullName;
        var other = new CookieJar();
        await using (var first = await DemoServer.StartAsync(workingDirectory: dir))
        {
            var jar = new CookieJar();
            using var login = await jar.PostAsync(first.Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-password"}"""));
            using var otherLogin = await other.PostAsync(first.Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-password"}"""));
            using var change = await jar.PostAsync(first.Client, "/api/password", CookieJar.Json("""{"old":"alice-password","new":"alice-new"}"""));
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        // The users live in the session database: a hash, not the password.
        var db = string.Concat(Directory.GetFiles(dir, "tessera-sessions.db*").Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.Contains("alice", db, StringComparison.Ordinal);
        Assert.DoesNotContain("alice-new", db, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "tessera-users.db")));

        // A new server on the same database (a restart, or a second server beside it): the configured password no
        // longer works, the new one does, and the session that was signed in elsewhere stays signed out.
        await using var second = await DemoServer.StartAsync(workingDirectory: dir);
        using var oldPassword = await new CookieJar().PostAsync(second.Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-password"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, oldPassword.StatusCode);
        using var newPassword = await new CookieJar().PostAsync(second.Client, "/api/login", CookieJar.Json("""{"user":"alice","password":"alice-new"}"""));
        Assert.Equal(HttpStatusCode.OK, newPassword.StatusCode);
        using var otherSession = await other.GetAsync(second.Client, "/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, otherSession.StatusCode);
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
