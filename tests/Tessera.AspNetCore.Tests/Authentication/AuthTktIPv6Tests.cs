using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;
using Tessera.Tickets;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>IP binding through real Kestrel sockets: IPv4 on 127.0.0.1, IPv6 on [::1], IPv4-mapped on a dual-stack [::].</summary>
public sealed class AuthTktIPv6Tests
{
    private const int UnboundWarning = 2103;

    [Fact]
    public async Task SignIn_IPv6ClientDefaultPolicy_IssuesUnboundTicketThatSignsInAndLogsOnce()
    {
        var logs = new ListLoggerProvider();
        await using var app = await AuthTktApp.StartAsync(url: "http://[::1]:0", logs: logs);
        Assert.Equal("[::1]", app.Address.Host);
        var jar = new CookieJar();

        using var first = await jar.PostAsync(app.Client, "/signin/alice");
        using var second = await new CookieJar().PostAsync(app.Client, "/signin/bob");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var ticket = Validator(app).Validate(jar["auth_tkt"], IPAddress.Any);
        Assert.True(ticket.IsValid, ticket.Reason.ToString());
        Assert.Null(ticket.Ticket!.ClientIp);
        using var me = await jar.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("\"id\":\"alice\"", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var warning = Assert.Single(logs.Entries, l => l.EventId == UnboundWarning);
        Assert.Contains("IPv6 client signed in; its ticket is not bound", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_IPv4Client_BindsTicketToTheAddressAndLogsNothing()
    {
        var logs = new ListLoggerProvider();
        await using var app = await AuthTktApp.StartAsync(logs: logs);
        var jar = new CookieJar();

        using var signIn = await jar.PostAsync(app.Client, "/signin/alice");

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var bound = Validator(app).Validate(jar["auth_tkt"], IPAddress.Loopback);
        Assert.True(bound.IsValid, bound.Reason.ToString());
        Assert.Equal(IPAddress.Loopback, bound.Ticket!.ClientIp);
        Assert.Equal(TicketRejection.BadDigest, Validator(app).Validate(jar["auth_tkt"], IPAddress.Any).Reason);
        Assert.DoesNotContain(logs.Entries, l => l.EventId == UnboundWarning);
    }

    [Fact]
    public async Task SignIn_IPv6ClientRefusePolicy_ThrowsRefusedAndWritesNoCookie()
    {
        await using var app = await AuthTktApp.StartAsync(o => o.IPv6Policy = AuthTktIPv6Policy.RefuseSignIn, url: "http://[::1]:0");

        using var signIn = await app.Client.PostAsync("/signin/alice", null);

        // The test app does not catch the exception: the 500 carries no ticket (Kestrel drops the unsent headers).
        Assert.Equal(HttpStatusCode.InternalServerError, signIn.StatusCode);
        Assert.Null(CookieJar.SetCookie(signIn, "auth_tkt"));
    }

    [Fact]
    public async Task Authenticate_IPv6ClientWithIPv4BoundTicket_UnauthorizedWithReasonLogged()
    {
        var logs = new ListLoggerProvider();
        await using var app = await AuthTktApp.StartAsync(url: "http://[::1]:0", logs: logs);
        var jar = new CookieJar();
        jar.Set("auth_tkt", Issuer(app).IssueCookieValue(new AuthTicket { UserId = "alice", ClientIp = IPAddress.Loopback }));

        using var me = await jar.GetAsync(app.Client, "/me");

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Contains(logs.Entries, l => l.EventId == 1000 && l.Message.Contains(" scheme: BadDigest (fingerprint ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Authenticate_IPv6ClientRefusePolicy_UnboundTicketRejectedAsUnsupportedClientIp()
    {
        var logs = new ListLoggerProvider();
        await using var app = await AuthTktApp.StartAsync(o => o.IPv6Policy = AuthTktIPv6Policy.RefuseSignIn, url: "http://[::1]:0", logs: logs);
        var jar = new CookieJar();
        jar.Set("auth_tkt", Issuer(app).IssueCookieValue(new AuthTicket { UserId = "alice", ClientIp = IPAddress.Any }));

        using var me = await jar.GetAsync(app.Client, "/me");

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Contains(logs.Entries, l => l.EventId == 1000 && l.Message.Contains(" scheme: UnsupportedClientIp (fingerprint ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_IPv4MappedClientOnDualStackSocket_BindsTheIPv4Address()
    {
        await using var app = await AuthTktApp.StartAsync(url: "http://[::]:0");
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{app.Address.Port}") };
        var jar = new CookieJar();

        using var signIn = await jar.PostAsync(client, "/signin/alice");
        using var me = await jar.GetAsync(client, "/me");

        // On a dual-stack socket the IPv4 client arrives as ::ffff:127.0.0.1 and is bound as 127.0.0.1.
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var bound = Validator(app).Validate(jar["auth_tkt"], IPAddress.Loopback);
        Assert.True(bound.IsValid, bound.Reason.ToString());
        Assert.Equal(IPAddress.Loopback, bound.Ticket!.ClientIp);
    }

    private static TicketOptions TicketOptions(TestApp app) =>
        app.Services.GetRequiredService<IOptionsMonitor<AuthTktOptions>>().Get(AuthTktDefaults.AuthenticationScheme).ToTicketOptions();

    private static TicketValidator Validator(TestApp app) => new(TicketOptions(app));

    private static TicketIssuer Issuer(TestApp app) => new(TicketOptions(app));
}
