using Tessera.TestSupport;
using System.Net;
using System.Text.Json.Nodes;
using Tessera.AspNetCore.Tests.Support;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>The scheme against the real Apache mod_auth_tkt (../shared/peers/authtkt/serve.sh): one login for both.</summary>
public sealed class AuthTktApacheInteropTests
{
    [Theory]
    [InlineData("MD5", "Md5")]
    [InlineData("SHA256", "Sha256")]
    [InlineData("SHA512", "Sha512")]
    public async Task DotNetTicket_OpensApacheProtectedPage(string apacheDigest, string scheme)
    {
        using var apache = ApacheAuthTkt.Start(AuthTktApp.Secret, "--digest", apacheDigest, "--timeout", "2h", "--token", "admin");
        await using var app = await AuthTktApp.StartAsync(o => o.Scheme = Enum.Parse<Tessera.Tickets.TicketScheme>(scheme));
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/alice?role=admin&data=from-dotnet");

        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = apache.Address };
        using var secret = await jar.GetAsync(client, "/secret/");
        Assert.Equal(HttpStatusCode.OK, secret.StatusCode);
        var body = JsonNode.Parse(await secret.Content.ReadAsStringAsync())!;
        Assert.Equal("alice", body["remote_user"]!.GetValue<string>());
        Assert.Equal("admin", body["remote_user_tokens"]!.GetValue<string>());
        using var tokens = await jar.GetAsync(client, "/tokens/");
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
    }

    [Fact]
    public async Task ApacheRefreshedTicket_AcceptedByDotNetScheme()
    {
        // --refresh 1: Apache re-issues the ticket on every request, so its Set-Cookie is a ticket Apache wrote.
        // Our ticket is dated 10 minutes back, so Apache (refreshing when less than the whole timeout remains) re-issues it.
        using var apache = ApacheAuthTkt.Start(AuthTktApp.Secret, "--digest", "SHA512", "--timeout", "2h", "--refresh", "1");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
        await using var app = await AuthTktApp.StartAsync(o => o.TimeProvider = time);
        var jar = new CookieJar();
        using var signIn = await jar.PostAsync(app.Client, "/signin/carol?role=staff&data=x");
        var ours = jar["auth_tkt"];
        time.SetUtcNow(DateTimeOffset.UtcNow);

        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = apache.Address };
        using var secret = await jar.GetAsync(client, "/secret/");
        Assert.Equal(HttpStatusCode.OK, secret.StatusCode);
        Assert.NotNull(CookieJar.SetCookie(secret, "auth_tkt"));
        Assert.NotEqual(ours, jar["auth_tkt"]);

        using var me = await jar.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = JsonNode.Parse(await me.Content.ReadAsStringAsync())!;
        Assert.Equal("carol", body["id"]!.GetValue<string>());
        Assert.Equal("staff", body["roles"]![0]!.GetValue<string>());
        Assert.Equal("x", body["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task PerlIssuedTicket_AcceptedByDotNetScheme()
    {
        // Apache::AuthTkt, the module's reference issuer shipped in the Debian package's examples.
        var (_, list, _) = Peers.Run("dpkg", ["-L", "libapache2-mod-auth-tkt"]);
        var pm = list.Split('\n').FirstOrDefault(l => l.EndsWith("/Apache/AuthTkt.pm", StringComparison.Ordinal));
        Assert.True(pm is not null, "Apache/AuthTkt.pm (package libapache2-mod-auth-tkt) is required for this test.");
        var include = Path.GetDirectoryName(Path.GetDirectoryName(pm))!;
        var (code, ticket, err) = Peers.Run("perl", ["-I", include, "-MApache::AuthTkt", "-e",
            $"print Apache::AuthTkt->new(secret=>'{AuthTktApp.Secret}', digest_type=>'SHA512')->ticket(uid=>'dave', ip_addr=>'127.0.0.1', tokens=>'ops', data=>'perl')"]);
        Assert.True(code == 0, "perl Apache::AuthTkt failed: " + err);

        await using var app = await AuthTktApp.StartAsync();
        var jar = new CookieJar();
        jar.Set("auth_tkt", ticket.Trim());
        using var me = await jar.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = JsonNode.Parse(await me.Content.ReadAsStringAsync())!;
        Assert.Equal("dave", body["id"]!.GetValue<string>());
        Assert.Equal("perl", body["data"]!.GetValue<string>());
    }
}
