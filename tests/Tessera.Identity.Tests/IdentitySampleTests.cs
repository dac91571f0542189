using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Identity.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.Identity.Tests;

/// <summary>The Identity sample's contract, through real Kestrel with the sample's own SQLite databases.</summary>
public sealed class IdentitySampleTests
{
    private const string Password = "Correct-horse-1";

    [Fact]
    public async Task Login_CookieMode_SmallCookieAndDeviceListed()
    {
        await using var server = await IdentitySampleServer.StartAsync();
        await Device.RegisterAsync(server, "ann@example.com", Password);
        var laptop = new Device(server, "Laptop/1.0");

        using var login = await laptop.SignInAsync("ann@example.com", Password);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = CookieJar.SetCookie(login, Device.CookieName);
        Assert.NotNull(cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.InRange(laptop.Jar[Device.CookieName]!.Length, 1, 600);
        var device = Assert.Single((await laptop.DevicesAsync()).EnumerateArray());
        Assert.True(device.GetProperty("current").GetBoolean());
        Assert.Equal(12, device.GetProperty("id").GetString()!.Length);
        Assert.Equal("127.0.0.1", device.GetProperty("ip").GetString());
        Assert.Equal("Laptop/1.0", device.GetProperty("user_agent").GetString());
        Assert.True(device.GetProperty("created").GetDateTimeOffset() <= device.GetProperty("last_seen").GetDateTimeOffset());
        Assert.True(File.Exists(Path.Combine(server.WorkingDirectory, "tessera-identity-sessions.db")), "Tessera's sessions are in the sample's SQLite file");
        Assert.True(File.Exists(Path.Combine(server.WorkingDirectory, "tessera-identity.db")), "Identity's users are in the sample's SQLite file");
    }

    [Fact]
    public async Task ChangePassword_OtherDeviceUnauthorizedAtOnce_ThisDeviceStays()
    {
        await using var server = await IdentitySampleServer.StartAsync();
        await Device.RegisterAsync(server, "bea@example.com", Password);
        var laptop = new Device(server, "Laptop/1.0");
        var phone = new Device(server, "Phone/1.0");
        (await laptop.SignInAsync("bea@example.com", Password)).Dispose();
        (await phone.SignInAsync("bea@example.com", Password)).Dispose();
        Assert.Equal(HttpStatusCode.OK, await phone.MeAsync());

        using var change = await laptop.PostAsync("/manage/info", new { oldPassword = Password, newPassword = "Correct-horse-2" });

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await phone.MeAsync());
        Assert.Equal(HttpStatusCode.OK, await laptop.MeAsync());
        Assert.True(Assert.Single((await laptop.DevicesAsync()).EnumerateArray()).GetProperty("current").GetBoolean());
        using var oldPassword = await new Device(server, "Thief/1.0").SignInAsync("bea@example.com", Password);
        Assert.Equal(HttpStatusCode.Unauthorized, oldPassword.StatusCode);
        using var newPassword = await phone.SignInAsync("bea@example.com", "Correct-horse-2");
        Assert.Equal(HttpStatusCode.OK, newPassword.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await phone.MeAsync());
    }

    [Fact]
    public async Task ChangePassword_IdentityValidatesStampOnEveryRequest_ThisDeviceStillSignedIn()
    {
        // With Identity's own stamp validation on every request, the device that changed the password stays signed in
        // only because its stored ticket carries the new stamp.
        await using var server = await IdentitySampleServer.StartAsync(environment: new Dictionary<string, string> { ["Identity__SecurityStamp__ValidationInterval"] = "00:00:00" });
        await Device.RegisterAsync(server, "hal@example.com", Password);
        var laptop = new Device(server, "Laptop/1.0");
        var phone = new Device(server, "Phone/1.0");
        (await laptop.SignInAsync("hal@example.com", Password)).Dispose();
        (await phone.SignInAsync("hal@example.com", Password)).Dispose();

        using var change = await laptop.PostAsync("/manage/info", new { oldPassword = Password, newPassword = "Correct-horse-2" });

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await laptop.MeAsync());
        Assert.Equal(HttpStatusCode.OK, await laptop.MeAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await phone.MeAsync());
    }

    [Fact]
    public async Task RevokeOthers_TwoOtherDevices_ReturnsTwoAndTheyAreUnauthorized()
    {
        await using var server = await IdentitySampleServer.StartAsync();
        await Device.RegisterAsync(server, "cid@example.com", Password);
        await Device.RegisterAsync(server, "dan@example.com", Password);
        var laptop = new Device(server, "Laptop/1.0");
        var phone = new Device(server, "Phone/1.0");
        var tablet = new Device(server, "Tablet/1.0");
        var someoneElse = new Device(server, "Other/1.0");
        foreach (var device in new[] { laptop, phone, tablet })
        {
            (await device.SignInAsync("cid@example.com", Password)).Dispose();
        }

        (await someoneElse.SignInAsync("dan@example.com", Password)).Dispose();
        Assert.Equal(3, (await laptop.DevicesAsync()).GetArrayLength());

        using var revoke = await laptop.PostAsync("/api/devices/revoke-others");

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(2, (await revoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revoked").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, await phone.MeAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await tablet.MeAsync());
        Assert.Equal(HttpStatusCode.OK, await laptop.MeAsync());
        Assert.Equal(HttpStatusCode.OK, await someoneElse.MeAsync());
    }

    [Fact]
    public async Task Logout_ReplayedCookie_Unauthorized()
    {
        await using var server = await IdentitySampleServer.StartAsync();
        await Device.RegisterAsync(server, "eve@example.com", Password);
        var laptop = new Device(server, "Laptop/1.0");
        (await laptop.SignInAsync("eve@example.com", Password)).Dispose();
        var captured = laptop.Jar[Device.CookieName]!;

        using var logout = await laptop.PostAsync("/logout");
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        var replay = new Device(server, "Replay/1.0");
        replay.Jar.Set(Device.CookieName, captured);
        Assert.Equal(HttpStatusCode.Unauthorized, await replay.MeAsync());
    }

    [Fact]
    public async Task CrossSitePost_OriginOrFetchSite_Forbidden()
    {
        await using var server = await IdentitySampleServer.StartAsync();
        await Device.RegisterAsync(server, "fay@example.com", Password);
        var laptop = new Device(server, "Laptop/1.0");
        var phone = new Device(server, "Phone/1.0");
        (await laptop.SignInAsync("fay@example.com", Password)).Dispose();
        (await phone.SignInAsync("fay@example.com", Password)).Dispose();

        using var foreignOrigin = await laptop.PostAsync("/api/devices/revoke-others", origin: "http://evil.example");
        using var crossSiteLogin = await new Device(server, "Evil/1.0").PostAsync("/login?useCookies=true", new { email = "fay@example.com", password = Password }, origin: "http://evil.example");
        using var request = laptop.Jar.Apply(new HttpRequestMessage(HttpMethod.Post, "/api/devices/revoke-others"));
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var fetchSite = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, foreignOrigin.StatusCode);
        Assert.Contains("cross-site", await foreignOrigin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, crossSiteLogin.StatusCode);
        Assert.Null(CookieJar.SetCookie(crossSiteLogin, Device.CookieName));
        Assert.Equal(HttpStatusCode.Forbidden, fetchSite.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await phone.MeAsync());
        Assert.Equal(2, (await laptop.DevicesAsync()).GetArrayLength());
    }
}
