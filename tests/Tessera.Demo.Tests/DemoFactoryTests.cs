using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tessera.Demo.Tests;

/// <summary>The demo's <c>Program</c> hosted by WebApplicationFactory (TestServer): configuration overrides reach it.</summary>
public sealed class DemoFactoryTests
{
    [Fact]
    public async Task Factory_MemoryStoreAndExtraUser_LoginWorks()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Tessera:Secrets:0", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
            b.UseSetting("Tessera:Store:Provider", "Memory");
            b.UseSetting("Tessera:Cookie:SecurePolicy", "None");
            b.UseSetting("Demo:Users:quinn", "quinn-password");
        });
        using var client = factory.CreateClient();
        using var login = await client.PostAsync("/api/login", new StringContent("""{"user":"quinn","password":"quinn-password"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var session = await client.GetAsync("/api/session");
        Assert.Contains("\"user\":\"quinn\"", await session.Content.ReadAsStringAsync());
    }
}
