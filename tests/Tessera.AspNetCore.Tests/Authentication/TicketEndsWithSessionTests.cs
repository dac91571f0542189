using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>
/// auth_tkt tickets end with the Tessera session (issue 12 point 3): a ticket captured before a sign-out, a revocation
/// or a password change is refused by Tessera's handler afterwards and never refreshed; a live session refreshes its own.
/// </summary>
public sealed class TicketEndsWithSessionTests
{
    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SignOut_TicketCapturedBefore_RefusedAndNotRefreshed(string mode)
    {
        await using var app = await TesseraSchemeApp.StartAsync(mode, authTkt: true);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        var captured = Thief(jar["auth_tkt"]!);
        using var before = await captured.GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        using var logout = await jar.PostAsync(app.Client, "/logout");

        await AssertEndedAsync(app, captured);
    }

    [Fact]
    public async Task RevokeAll_TicketOfAnotherDevice_Refused()
    {
        await using var app = await TesseraSchemeApp.StartAsync(authTkt: true);
        var laptop = new CookieJar();
        using var laptopLogin = await laptop.PostAsync(app.Client, "/login/alice");
        var captured = Thief(laptop["auth_tkt"]!);
        var phone = new CookieJar();
        using var phoneLogin = await phone.PostAsync(app.Client, "/login/alice");

        using var revoke = await phone.PostAsync(app.Client, "/revoke-all");
        Assert.Equal("2", await revoke.Content.ReadAsStringAsync());

        await AssertEndedAsync(app, captured);
        using var laptopTicket = await laptop.GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.Unauthorized, laptopTicket.StatusCode); // its session is gone too
    }

    [Fact]
    public async Task RevokeOthers_OtherDeviceTicketRefused_ThisDeviceTicketReissued()
    {
        await using var app = await TesseraSchemeApp.StartAsync(authTkt: true);
        var laptop = new CookieJar();
        using var laptopLogin = await laptop.PostAsync(app.Client, "/login/alice");
        var captured = Thief(laptop["auth_tkt"]!);
        var phone = new CookieJar();
        using var phoneLogin = await phone.PostAsync(app.Client, "/login/alice");
        var phoneTicketBefore = phone["auth_tkt"]!;

        using var revoke = await phone.PostAsync(app.Client, "/revoke-others");
        Assert.Equal("1", await revoke.Content.ReadAsStringAsync());

        await AssertEndedAsync(app, captured);
        await AssertEndedAsync(app, Thief(phoneTicketBefore));
        using var phoneTicket = await phone.GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.OK, phoneTicket.StatusCode);
        Assert.NotEqual(phoneTicketBefore, phone["auth_tkt"]);
        using var phoneAgain = await Thief(phone["auth_tkt"]!).GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.OK, phoneAgain.StatusCode);
    }

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task PasswordChange_KeepLogin_OtherDeviceTicketAndSessionEnded(string mode)
    {
        var checks = new MutableCheckValues();
        checks.Values["alice"] = "v1";
        await using var app = await TesseraSchemeApp.StartAsync(mode, authTkt: true, services: s => s.AddSingleton<ITesseraCheckValueProvider>(checks));
        var laptop = new CookieJar();
        using var laptopLogin = await laptop.PostAsync(app.Client, "/login/alice");
        var captured = Thief(laptop["auth_tkt"]!);
        var phone = new CookieJar();
        using var phoneLogin = await phone.PostAsync(app.Client, "/login/alice");

        using var change = await phone.PostAsync(app.Client, "/keep-login/v2");
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);

        await AssertEndedAsync(app, captured);
        using var laptopMe = await TesseraSchemeTests.SendAsync(app, laptop, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, laptopMe.StatusCode);
        using var phoneMe = await TesseraSchemeTests.SendAsync(app, phone, "/me", "application/json");
        Assert.Equal(HttpStatusCode.OK, phoneMe.StatusCode);
        using var phoneTicket = await phone.GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.OK, phoneTicket.StatusCode);
    }

    [Fact]
    public async Task CheckValueChangedElsewhere_StaleSessionSeen_ItsTicketsEnd()
    {
        var checks = new MutableCheckValues();
        checks.Values["alice"] = "v1";
        await using var app = await TesseraSchemeApp.StartAsync(authTkt: true, services: s => s.AddSingleton<ITesseraCheckValueProvider>(checks));
        var laptop = new CookieJar();
        using var login = await laptop.PostAsync(app.Client, "/login/alice");
        var captured = Thief(laptop["auth_tkt"]!);

        checks.Values["alice"] = "v2"; // e.g. an administrator reset the password
        using var me = await TesseraSchemeTests.SendAsync(app, laptop, "/me", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);

        await AssertEndedAsync(app, captured);
    }

    [Fact]
    public async Task SignInAgain_SameSecondAsSignOut_NewTicketAccepted()
    {
        await using var app = await TesseraSchemeApp.StartAsync(authTkt: true);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        using var logout = await jar.PostAsync(app.Client, "/logout");
        using var again = await jar.PostAsync(app.Client, "/login/alice");

        using var ticket = await Thief(jar["auth_tkt"]!).GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.OK, ticket.StatusCode);
    }

    [Fact]
    public async Task Refresh_LiveSession_ReissuesDueTicket()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartWithTenMinuteTicketsAsync(time);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        var first = jar["auth_tkt"]!;

        time.Advance(TimeSpan.FromMinutes(6)); // less than half the timeout left: due
        using var refresh = await jar.GetAsync(app.Client, AuthTktDefaults.RefreshPath);

        Assert.Equal(HttpStatusCode.NoContent, refresh.StatusCode);
        Assert.NotNull(CookieJar.SetCookie(refresh, "auth_tkt"));
        Assert.NotEqual(first, jar["auth_tkt"]);
        time.Advance(TimeSpan.FromMinutes(6)); // the first ticket has timed out; the refreshed one has not
        using var ticket = await Thief(jar["auth_tkt"]!).GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.OK, ticket.StatusCode);
    }

    [Fact]
    public async Task Refresh_ValidTicketWithoutSession_RefusedAndCleared()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartWithTenMinuteTicketsAsync(time);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        var stolen = Thief(jar["auth_tkt"]!);
        time.Advance(TimeSpan.FromMinutes(6));

        using var ticket = await stolen.GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.OK, ticket.StatusCode); // still valid until it times out...
        Assert.Null(CookieJar.SetCookie(ticket, "auth_tkt")); // ...but not refreshed on the way
        using var refresh = await stolen.GetAsync(app.Client, AuthTktDefaults.RefreshPath);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        Assert.StartsWith("auth_tkt=;", CookieJar.SetCookie(refresh, "auth_tkt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_SessionOfAnotherUser_Refused()
    {
        await using var app = await TesseraSchemeApp.StartAsync(authTkt: true);
        var alice = new CookieJar();
        using var aliceLogin = await alice.PostAsync(app.Client, "/login/alice");
        var mallory = new CookieJar();
        using var malloryLogin = await mallory.PostAsync(app.Client, "/login/mallory");
        mallory.Set("auth_tkt", alice["auth_tkt"]!);

        using var refresh = await mallory.GetAsync(app.Client, AuthTktDefaults.RefreshPath);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
    }

    [Fact]
    public async Task Refresh_LiveSessionNotDue_204WithoutNewTicket()
    {
        await using var app = await TesseraSchemeApp.StartAsync(authTkt: true);
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        using var refresh = await jar.GetAsync(app.Client, AuthTktDefaults.RefreshPath);
        Assert.Equal(HttpStatusCode.NoContent, refresh.StatusCode);
        Assert.Null(CookieJar.SetCookie(refresh, "auth_tkt"));
    }

    /// <summary>The scheme with auth_tkt tickets that time out after 10 minutes on <paramref name="time"/>.</summary>
    private static Task<TestApp> StartWithTenMinuteTicketsAsync(FakeTimeProvider time) =>
        TesseraSchemeApp.StartAsync(authTkt: true, configureTicket: o => o.Timeout = TimeSpan.FromMinutes(10), services: s => s.AddSingleton<TimeProvider>(time));

    private static CookieJar Thief(string ticket)
    {
        var jar = new CookieJar();
        jar.Set("auth_tkt", ticket);
        return jar;
    }

    private static async Task AssertEndedAsync(TestApp app, CookieJar ticketOnly)
    {
        using var ticket = await ticketOnly.GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.Unauthorized, ticket.StatusCode);
        using var refresh = await ticketOnly.GetAsync(app.Client, AuthTktDefaults.RefreshPath);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        Assert.DoesNotContain(CookieJar.SetCookies(refresh), h => h.StartsWith("auth_tkt=", StringComparison.Ordinal) && !h.StartsWith("auth_tkt=;", StringComparison.Ordinal));
    }
}
