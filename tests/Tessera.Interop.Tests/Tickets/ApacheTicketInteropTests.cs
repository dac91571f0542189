using System.Net;
using System.Text;
using System.Text.Json;
using Tessera.Tickets;

namespace Tessera.Interop.Tests.Tickets;

/// <summary>Tickets issued by Tessera presented to the real Apache mod_auth_tkt, and Apache's refreshed tickets read back.</summary>
[Collection(ApacheTktGroup.Name)]
public sealed class ApacheTicketInteropTests(ApacheTktFixture apache)
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes(ApacheTktFixture.Secret);
    private static readonly byte[] OldSecret = Encoding.UTF8.GetBytes(ApacheTktFixture.OldSecret);

    public static TheoryData<TicketScheme> Schemes => new() { TicketScheme.Md5, TicketScheme.Sha256, TicketScheme.Sha512 };

    private ApacheTktServer Bound(TicketScheme scheme) => apache.Get(
        "--secret", ApacheTktFixture.Secret, "--old-secret", ApacheTktFixture.OldSecret, "--digest", Digest(scheme),
        "--trust-xff", "--timeout", "7200", "--refresh", "0", "--token", "admin");

    private ApacheTktServer Unbound(TicketScheme scheme) => apache.Get(
        "--secret", ApacheTktFixture.Secret, "--digest", Digest(scheme), "--ignore-ip", "on", "--timeout", "7200", "--refresh", "0", "--token", "admin");

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task Apache_BoundTicketWithTokensAndData_AcceptsAndEchoesFields(TicketScheme scheme)
    {
        var ticket = Ticket("alice@example.org", ["ops", "admin"], "name=Alice Ünïcode; x=1", IPAddress.Parse("10.1.2.3"));
        var cookie = Issuer(scheme, Secret).IssueCookieValue(ticket);

        var response = await Get(Bound(scheme), "tokens/", cookie, "10.1.2.3");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        AssertEcho(response.Body, "alice@example.org", "ops,admin", "name=Alice Ünïcode; x=1");
        Assert.Null(response.SetCookie);
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task Apache_UnboundTicket_AcceptedWithIgnoreIp(TicketScheme scheme)
    {
        var cookie = Issuer(scheme, Secret, ignoreIp: true).IssueCookieValue(Ticket("bob", ["admin"], "data", null));

        var response = await Get(Unbound(scheme), "tokens/", cookie, xForwardedFor: null);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        AssertEcho(response.Body, "bob", "admin", "data");
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task Apache_NoTokensNoData_AcceptsEmptyFields(TicketScheme scheme)
    {
        var cookie = Issuer(scheme, Secret).IssueCookieValue(Ticket("carol", [], "", IPAddress.Parse("192.0.2.1")));

        var response = await Get(Bound(scheme), "secret/", cookie, "192.0.2.1");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        AssertEcho(response.Body, "carol", "", "");
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task Apache_TamperedOrMisboundTicket_RedirectsToLogin(TicketScheme scheme)
    {
        var issuer = Issuer(scheme, Secret);
        var raw = issuer.IssueTicket(Ticket("dave", ["user"], "x", IPAddress.Parse("10.9.9.9")));
        var server = Bound(scheme);
        var tampered = (byte[])raw.Clone();
        tampered[Array.LastIndexOf(tampered, (byte)'d')] = (byte)'D';  // "dave" -> "Dave": the only d after the header
        var wrongSecret = Issuer(scheme, Encoding.UTF8.GetBytes("some other secret entirely, 32b")).IssueCookieValue(Ticket("dave", ["user"], "x", IPAddress.Parse("10.9.9.9")));

        var responses = new[]
        {
            await Get(server, "secret/", Convert.ToBase64String(tampered), "10.9.9.9"),
            await Get(server, "secret/", wrongSecret, "10.9.9.9"),
            await Get(server, "secret/", Convert.ToBase64String(raw), "10.9.9.8"),
        };

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, r.Status);
            Assert.Contains("/_tkt/login", r.Location, StringComparison.Ordinal);
        });
        Assert.Equal(HttpStatusCode.OK, (await Get(server, "secret/", Convert.ToBase64String(raw), "10.9.9.9")).Status);
    }

    [Fact]
    public async Task Apache_TicketWithoutRequiredToken_RedirectsToUnauth()
    {
        var cookie = Issuer(TicketScheme.Md5, Secret).IssueCookieValue(Ticket("erin", ["administrator"], "", IPAddress.Parse("10.0.0.5")));

        var response = await Get(Bound(TicketScheme.Md5), "tokens/", cookie, "10.0.0.5");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.Status);
        Assert.Contains("/_tkt/unauth", response.Location, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task Apache_TicketSignedWithOldSecret_AcceptsAndItsRefreshValidatesInTessera(TicketScheme scheme)
    {
        var ip = IPAddress.Parse("10.4.4.4");
        var cookie = Issuer(scheme, OldSecret).IssueCookieValue(Ticket("frank", ["admin"], "rotated", ip));

        var response = await Get(Bound(scheme), "tokens/", cookie, "10.4.4.4");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        AssertEcho(response.Body, "frank", "admin", "rotated");
        Assert.NotNull(response.SetCookie);
        var validator = new TicketValidator(new TicketOptions { Scheme = scheme, Secrets = [Secret], RefreshFraction = 0 });
        var verdict = validator.Validate(response.SetCookie, ip);
        Assert.True(verdict.IsValid, verdict.Reason.ToString());
        Assert.False(verdict.MatchedOldSecret);
        Assert.Equal("frank", verdict.Ticket!.UserId);
        Assert.Equal(["admin"], verdict.Ticket.Tokens);
        Assert.Equal("rotated", verdict.Ticket.UserData);
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task Apache_RefreshZone_RefreshedTicketMatchesTesserasRefreshByteForByte(TicketScheme scheme)
    {
        const long Issued = 1_700_000_000;
        const long Now = Issued + 5000;  // 2200 s of 7200 left: under the 0.5 refresh fraction
        var server = apache.Get(
            "--secret", ApacheTktFixture.Secret, "--digest", Digest(scheme), "--trust-xff", "--timeout", "7200", "--refresh", "0.5",
            "--faketime", Now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ip = IPAddress.Parse("10.7.7.7");
        var cookie = Issuer(scheme, Secret).IssueCookieValue(Ticket("grace", [], "keep", ip) with { IssuedAt = DateTimeOffset.FromUnixTimeSeconds(Issued) });

        var response = await Get(server, "secret/", cookie, "10.7.7.7");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.NotNull(response.SetCookie);
        var options = new TicketOptions { Scheme = scheme, Secrets = [Secret], RefreshFraction = 0.5 };
        var ours = new TicketValidator(options).Validate(cookie, ip, DateTimeOffset.FromUnixTimeSeconds(Now));
        Assert.Equal(response.SetCookie, ours.RefreshCookieValue);
        var refreshed = new TicketValidator(options).Validate(response.SetCookie, ip, DateTimeOffset.FromUnixTimeSeconds(Now));
        Assert.True(refreshed.IsValid, refreshed.Reason.ToString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Now), refreshed.Ticket!.IssuedAt);
        Assert.Equal("keep", refreshed.Ticket.UserData);
        Assert.Null(refreshed.RefreshCookieValue);
    }

    internal static string Digest(TicketScheme scheme) => scheme switch
    {
        TicketScheme.Md5 => "MD5",
        TicketScheme.Sha256 => "SHA256",
        _ => "SHA512",
    };

    private static TicketIssuer Issuer(TicketScheme scheme, byte[] secret, bool ignoreIp = false) =>
        new(new TicketOptions { Scheme = scheme, Secrets = [secret], IgnoreIp = ignoreIp });

    private static AuthTicket Ticket(string uid, string[] tokens, string data, IPAddress? ip) =>
        new() { UserId = uid, Tokens = tokens, UserData = data, ClientIp = ip };

    private static void AssertEcho(string body, string user, string tokens, string data)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(user, Decode(root, "remote_user_b64"));
        Assert.Equal(tokens, Decode(root, "remote_user_tokens_b64"));
        Assert.Equal(data, Decode(root, "remote_user_data_b64"));
    }

    private static string Decode(JsonElement root, string name) => Encoding.UTF8.GetString(Convert.FromBase64String(root.GetProperty(name).GetString()!));

    private static async Task<(HttpStatusCode Status, string Body, string? Location, string? SetCookie)> Get(ApacheTktServer server, string path, string cookie, string? xForwardedFor)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", "auth_tkt=" + cookie);
        if (xForwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", xForwardedFor);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).FirstOrDefault(v => v.StartsWith("auth_tkt=", StringComparison.Ordinal))?["auth_tkt=".Length..]
            : null;
        return (response.StatusCode, body, response.Headers.Location?.ToString(), setCookie);
    }
}
