using Microsoft.Playwright;
using Tessera.Demo.Tests.Support;

namespace Tessera.Demo.Tests;

/// <summary>
/// End to end in a real browser: headless Debian chromium driven by Playwright signs in through the HTML form, adds a
/// value, reloads, sees it, and signs out everywhere (a second browser then learns why it was signed out), on 127.0.0.1 and over <c>localhost</c> (which browsers reach over IPv6 ::1
/// where they can, as with <c>dotnet new web</c>). A missing browser fails the test.
/// </summary>
public sealed class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Theory]
    [InlineData("127.0.0.1", "None", "tessera")]
    [InlineData("localhost", "None", "tessera")]
    // Tessera's defaults (Secure, __Host- prefix) over plain http: Chromium treats localhost and 127.0.0.1 as secure contexts.
    [InlineData("localhost", "Always", "__Host-tessera")]
    [InlineData("127.0.0.1", "Always", "__Host-tessera")]
    public async Task Browser_SignInAddValueReloadSignOut_Works(string host, string securePolicy, string cookieName)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is required (apt-get install chromium).");
        await using var demo = await DemoServer.StartAsync(DemoServer.InsecureHttp(("Tessera__Cookie__SecurePolicy", securePolicy)), host: host);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--headless"],
        });
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var home = demo.Address.ToString();

        await page.GotoAsync(home);
        Assert.Contains("alice / alice-password", await page.TextContentAsync("#credentials"));
        await page.FillAsync("#login-user", "alice");
        await page.FillAsync("#login-password", "alice-password");
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#signed-in");
        Assert.Equal("alice", await page.TextContentAsync("#user"));
        Assert.Contains(await context.CookiesAsync(), c => c.Name == "auth_tkt");
        if (host == "localhost")
        {
            // Chromium came over ::1: the demo issued the unbound ticket and said so.
            Assert.Contains("IPv6 client signed in; its ticket is not bound", demo.Output, StringComparison.Ordinal);
        }

        await page.FillAsync("#data-key", "favourite");
        await page.FillAsync("#data-value", "tessellation");
        await page.ClickAsync("#add-value");
        await page.WaitForSelectorAsync("#message");

        await page.ReloadAsync();
        var table = await page.TextContentAsync("#data");
        Assert.Contains("favourite", table);
        Assert.Contains("tessellation", table);
        Assert.DoesNotContain("\"tessellation\"", table);

        var cookies = await context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == cookieName);
        Assert.True(session.HttpOnly);
        Assert.Equal(securePolicy == "Always", session.Secure);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);

        // A second browser signed in as alice; "sign out everywhere" here ends it, and its next page says why.
        var phone = await browser.NewContextAsync();
        var phonePage = await phone.NewPageAsync();
        await phonePage.GotoAsync(home);
        await phonePage.FillAsync("#login-user", "alice");
        await phonePage.FillAsync("#login-password", "alice-password");
        await phonePage.ClickAsync("#sign-in");
        await phonePage.WaitForSelectorAsync("#signed-in");

        await page.ClickAsync("#sign-out-everywhere");
        await page.WaitForSelectorAsync("#sign-in");
        Assert.Null(await page.QuerySelectorAsync("#signed-in"));
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == cookieName);

        await phonePage.ReloadAsync();
        await phonePage.WaitForSelectorAsync("#sign-in");
        Assert.Contains("signed out from another device", await phonePage.TextContentAsync("#message"));
    }
}
