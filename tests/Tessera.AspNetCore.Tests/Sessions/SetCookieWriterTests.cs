using Tessera.AspNetCore.Tests.Authentication;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>
/// Issue 11 point 7, one Set-Cookie writer: the session cookie of either mode and the auth_tkt ticket, set and cleared,
/// carry exactly the core writer's (Tessera.Cookies.SetCookieHeader, internal) attribute text: its order, spelling and
/// case, which differ from ASP.NET's own <c>Response.Cookies</c> (<c>path=/; samesite=lax; httponly</c>), through a real Kestrel.
/// </summary>
public sealed class SetCookieWriterTests
{
    // Both cookies as the test app configures them: Path=/, HttpOnly, SameSite=Lax, Secure off (plain http).
    private const string Attributes = "; Path=/; HttpOnly; SameSite=Lax";
    private const string Deletion = "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + Attributes;

    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SignInAndOut_SessionAndTicketCookies_ExactlyTheCoreWritersHeaders(string mode)
    {
        await using var app = await TesseraSchemeApp.StartAsync(mode, authTkt: true);
        var jar = new CookieJar();

        using var login = await jar.PostAsync(app.Client, "/login/alice");
        var set = CookieJar.SetCookies(login);
        using var logout = await jar.PostAsync(app.Client, "/logout");
        var cleared = CookieJar.SetCookies(logout);

        Assert.Equal(["auth_tkt", TesseraOptions.DefaultCookieName], set.Select(NameOf).Order(StringComparer.Ordinal));
        foreach (var header in set)
        {
            var (name, value) = (NameOf(header), header[(header.IndexOf('=', StringComparison.Ordinal) + 1)..header.IndexOf(';', StringComparison.Ordinal)]);
            Assert.NotEmpty(value);
            Assert.Equal(name + "=" + value + Attributes, header);
        }

        Assert.Equal(["auth_tkt", TesseraOptions.DefaultCookieName], cleared.Select(NameOf).Order(StringComparer.Ordinal));
        foreach (var header in cleared)
        {
            Assert.Equal(NameOf(header) + "=" + Deletion, header);
        }
    }

    private static string NameOf(string header) => header[..header.IndexOf('=', StringComparison.Ordinal)];
}
