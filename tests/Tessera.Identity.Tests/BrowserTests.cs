using Microsoft.Playwright;
using Tessera.Identity.Tests.Support;

namespace Tessera.Identity.Tests;

/// <summary>
/// The sample's page in a real browser: headless Debian chromium driven by Playwright registers, signs in over
/// http://localhost, sees its device list, signs out. A missing browser fails the test (it is never skipped).
/// </summary>
public sealed class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Browser_RegisterSignInDeviceListSignOut_Works()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is required (apt-get install chromium).");
        await using var server = await IdentitySampleServer.StartAsync(host: "localhost");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await Device.RegisterAsync(server, "gus@example.com", "Correct-horse-1");
        var otherDevice = new Device(server, "Phone/1.0");
        (await otherDevice.SignInAsync("gus@example.com", "Correct-horse-1")).Dispose();

        await page.GotoAsync(server.Address.ToString());
        await page.WaitForSelectorAsync("#login-form");
        await page.FillAsync("#email", "gus@example.com");
        await page.FillAsync("#password", "Correct-horse-1");
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#devices tr.device");

        Assert.Equal("gus@example.com", await page.TextContentAsync("#user"));
        var rows = await page.QuerySelectorAllAsync("#devices tr.device");
        Assert.Equal(2, rows.Count);
        var current = await page.TextContentAsync("#devices tr.device:has-text('this device')");
        Assert.Contains("HeadlessChrome", current, StringComparison.Ordinal);
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == Device.CookieName);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);

        await page.ClickAsync("#revoke-others");
        await page.WaitForSelectorAsync("#message:has-text('Signed out 1 other device')");
        Assert.Single(await page.QuerySelectorAllAsync("#devices tr.device"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await otherDevice.MeAsync());

        await page.ClickAsync("#sign-out");
        await page.WaitForSelectorAsync("#login-form", new PageWaitForSelectorOptions { State = WaitForSelectorState.Visible });
        Assert.True(await page.IsHiddenAsync("#signed-in"));
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == Device.CookieName);
    }
}
