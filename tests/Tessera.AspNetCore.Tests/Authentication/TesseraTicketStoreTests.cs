using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Sessions;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>Cookie authentication + <c>AddTesseraTicketStore()</c> through real Kestrel.</summary>
public sealed class TesseraTicketStoreTests
{
    [Fact]
    public async Task SignIn_LargeTicket_CookieSmallAndRecordSealedServerSide()
    {
        var store = new SwitchableStore();
        await using var app = await TicketStoreApp.StartAsync(store);
        var jar = new CookieJar();

        using var login = await jar.PostAsync(app.Client, "/login/alice");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookie = CookieJar.SetCookie(login, TicketStoreApp.CookieName);
        Assert.NotNull(cookie);
        // The whole ticket would be over 4 KB (the claim alone is 3 KB); the cookie holds only the protected handle.
        Assert.InRange(cookie!.Length, 1, 700);
        var users = app.Services.GetRequiredService<UserSessionDirectory>();
        var record = Assert.Single(await store.Inner.ListByUserAsync(users.ComputeUserTag("alice"), CancellationToken.None));
        Assert.True(record.Data.Length > 3000, "the ticket is kept in the store");
        var data = record.Data.ToArray();
        Assert.Equal(-1, data.AsSpan().IndexOf(Encoding.UTF8.GetBytes("alice")));
        Assert.Equal(-1, data.AsSpan().IndexOf(Encoding.UTF8.GetBytes("xxxxxxxx")));
        Assert.Null(TryDeserialize(data));

        using var me = await jar.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("alice", await me.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignOut_ReplayedCookie_Unauthorized()
    {
        var store = new SwitchableStore();
        await using var app = await TicketStoreApp.StartAsync(store);
        var jar = new CookieJar();
        (await jar.PostAsync(app.Client, "/login/alice")).Dispose();
        var captured = jar[TicketStoreApp.CookieName]!;

        using var logout = await jar.PostAsync(app.Client, "/logout");
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Null(jar[TicketStoreApp.CookieName]);

        var replay = new CookieJar();
        replay.Set(TicketStoreApp.CookieName, captured);
        using var me = await replay.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(0, store.Inner.Count);
    }

    [Fact]
    public async Task RevokeOthers_TwoDevices_OtherUnauthorizedThisOneStays()
    {
        var store = new SwitchableStore();
        await using var app = await TicketStoreApp.StartAsync(store);
        var laptop = new CookieJar();
        var phone = new CookieJar();
        (await laptop.PostAsync(app.Client, "/login/alice")).Dispose();
        (await phone.PostAsync(app.Client, "/login/alice")).Dispose();
        (await new CookieJar().PostAsync(app.Client, "/login/bob")).Dispose();

        using var list = await laptop.GetAsync(app.Client, "/devices");
        var devices = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(2, devices.GetArrayLength());
        Assert.Single(devices.EnumerateArray(), d => d.GetProperty("current").GetBoolean());

        using var revoke = await laptop.PostAsync(app.Client, "/devices/revoke-others");
        Assert.Equal(1, (await revoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revoked").GetInt32());

        using var phoneMe = await phone.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.Unauthorized, phoneMe.StatusCode);
        using var laptopMe = await laptop.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.OK, laptopMe.StatusCode);
        using var after = await laptop.GetAsync(app.Client, "/devices");
        var remaining = JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement;
        Assert.True(Assert.Single(remaining.EnumerateArray()).GetProperty("current").GetBoolean());
    }

    [Fact]
    public async Task Authenticate_StoreDown_ServiceUnavailableNot401Or500()
    {
        var store = new SwitchableStore();
        await using var app = await TicketStoreApp.StartAsync(store);
        var jar = new CookieJar();
        (await jar.PostAsync(app.Client, "/login/alice")).Dispose();

        store.Failing = true;
        using var me = await jar.GetAsync(app.Client, "/me");
        using var login = await new CookieJar().PostAsync(app.Client, "/login/bob");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, me.StatusCode);
        Assert.Equal("5", me.Headers.RetryAfter?.ToString());
        Assert.DoesNotContain("alice", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
        Assert.Null(CookieJar.SetCookie(login, TicketStoreApp.CookieName));

        store.Failing = false;
        using var back = await jar.GetAsync(app.Client, "/me");
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public async Task Retrieve_RecordCopiedUnderAnotherHandle_NotReadable()
    {
        var store = new SwitchableStore();
        await using var app = await TicketStoreApp.StartAsync(store);
        var jar = new CookieJar();
        (await jar.PostAsync(app.Client, "/login/alice")).Dispose();
        var users = app.Services.GetRequiredService<UserSessionDirectory>();
        var ticketStore = app.Services.GetRequiredService<TesseraTicketStore>();
        var record = Assert.Single(await store.Inner.ListByUserAsync(users.ComputeUserTag("alice"), CancellationToken.None));

        // What the browser holds: cookie authentication's protected cookie around the handle, and nothing of the ticket.
        var cookieOptions = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var outer = cookieOptions.TicketDataFormat.Unprotect(jar[TicketStoreApp.CookieName]!)!;
        var handle = Assert.Single(outer.Principal.Claims).Value;
        Assert.Equal(SessionHandle.CookieValueLength, handle.Length);
        var ticket = await ticketStore.RetrieveAsync(handle);
        Assert.Equal(TicketStoreApp.BigClaim, ticket!.Principal.FindFirst("profile")!.Value);

        // The same sealed bytes under another handle's key: that handle's data key does not open them.
        var stranger = SessionHandle.Create();
        Assert.Equal(SaveResult.Saved, await store.Inner.SaveAsync(record with { Key = stranger.Key, Version = 1 }, 0, CancellationToken.None));
        Assert.Null(await ticketStore.RetrieveAsync(stranger.ToCookieValue()));
        Assert.Null(await ticketStore.RetrieveAsync("not-a-handle"));
    }

    private static AuthenticationTicket? TryDeserialize(byte[] data)
    {
        try
        {
            return TicketSerializer.Default.Deserialize(data);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException or FormatException)
        {
            return null;
        }
    }
}
