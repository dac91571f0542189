using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Sessions;

namespace Tessera.AspNetCore.Tests.Authentication;

/// <summary>Misconfigurations of <c>AddTesseraTicketStore()</c> stop the application at start-up with a message that says what to add.</summary>
public sealed class TesseraTicketStoreSetupTests
{
    [Fact]
    public async Task Start_WithoutAddTessera_ThrowsNamingAddTessera()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(
            builder => builder.Services.AddAuthentication().AddCookie().AddTesseraTicketStore(),
            _ => { }));

        Assert.Contains("AddTessera()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_StoreWithoutUserIndex_ThrowsNamingTheStore()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(
            builder =>
            {
                builder.Services.AddSingleton<ISessionStore>(new FailingStore());
                builder.Services.AddTessera();
                builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie().AddTesseraTicketStore();
            },
            _ => { },
            TestApp.Settings(("Tessera:Store:Provider", null))));

        Assert.Contains("'failing' has no user index", error.Message, StringComparison.Ordinal);
    }
}
