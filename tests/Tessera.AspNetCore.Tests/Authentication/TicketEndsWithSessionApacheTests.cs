using System.Net;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>
/// What the real Apache mod_auth_tkt does with a ticket whose session ended (docs/authentication.md): it cannot consult
/// our store, so it accepts the ticket until TKTAuthTimeout, and refuses it after; Tessera's handler refuses it at once.
/// </summary>
public sealed class TicketEndsWithSessionApacheTests
{
    [Fact]
    public async Task SignOut_CapturedTicket_ApacheAcceptsUntilTimeoutWhileTesseraRefusesAtOnce()
    {
        const string timeout = "60";
        using var apache = ApacheAuthTkt.Start(TesseraSchemeApp.TicketSecret, "--digest", "SHA512", "--timeout", timeout, "--refresh", "0");
        // The same module with its clock 2 minutes ahead: how Apache sees the ticket once TKTAuthTimeout has passed.
        var later = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var apacheLater = ApacheAuthTkt.Start(TesseraSchemeApp.TicketSecret, "--digest", "SHA512", "--timeout", timeout, "--refresh", "0", "--faketime", later);
        await using var app = await TesseraSchemeApp.StartAsync(authTkt: true, configureTicket: o => o.Timeout = TimeSpan.FromSeconds(60));
        var jar = new CookieJar();
        using var login = await jar.PostAsync(app.Client, "/login/alice");
        var captured = new CookieJar();
        captured.Set("auth_tkt", jar["auth_tkt"]!);

        using var logout = await jar.PostAsync(app.Client, "/logout");

        using var ours = await captured.GetAsync(app.Client, "/ticket");
        Assert.Equal(HttpStatusCode.Unauthorized, ours.StatusCode);
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
        using var apacheNow = await captured.GetAsync(client, new Uri(apache.Address, "/secret/").ToString());
        Assert.Equal(HttpStatusCode.OK, apacheNow.StatusCode); // the documented window: Apache cannot know of the sign-out
        using var apacheAfterTimeout = await captured.GetAsync(client, new Uri(apacheLater.Address, "/secret/").ToString());
        Assert.Equal(HttpStatusCode.TemporaryRedirect, apacheAfterTimeout.StatusCode); // mod_auth_tkt answers 307 to TKTAuthTimeoutURL
        Assert.EndsWith("/_tkt/timeout", apacheAfterTimeout.Headers.Location!.GetLeftPart(UriPartial.Path), StringComparison.Ordinal);
    }
}
