using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Tests.Support;

namespace Tessera.AspNetCore.Tests.Configuration;

/// <summary>Development without ceremony, production without surprises; through real Kestrel apps on 127.0.0.1.</summary>
public sealed class DevelopmentSecretTests : IDisposable
{
    private readonly string _application = "tessera-test-" + Guid.NewGuid().ToString("N")[..12];

    private string SecretFile => TesseraDevelopmentSecret.PathFor(_application);

    public void Dispose()
    {
        if (File.Exists(SecretFile))
        {
            File.Delete(SecretFile);
        }
    }

    private static WebApplication Build(string environment, string application, ListLoggerProvider logs, Action<WebApplicationBuilder>? services = null, Action<WebApplication>? pipeline = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment, ApplicationName = application });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        services?.Invoke(builder);
        builder.Services.AddTessera(o =>
        {
            o.Store.Provider = "Memory";
            o.Cookie.SecurePolicy = CookieSecurePolicy.None;
        });
        var app = builder.Build();
        pipeline?.Invoke(app);
        app.UseTessera();
        app.MapPost("/set/{value}", (HttpContext c, string value) =>
        {
            c.Session.SetString("v", value);
            return "ok";
        });
        app.MapGet("/get", (HttpContext c) => c.Session.GetString("v") ?? "(none)");
        return app;
    }

    private static HttpClient Client(WebApplication app) => new(new HttpClientHandler { UseCookies = false })
    {
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
    };

    [Fact]
    public async Task StartAsync_DevelopmentWithoutSecret_GeneratesOwnerOnlySecretOutsideContentRootAndWarnsOnce()
    {
        var logs = new ListLoggerProvider();
        string cookie;
        // Cookie mode: the session lives in the cookie, so only the secret carries it across the restart.
        static void CookieMode(WebApplicationBuilder b) => b.Services.Configure<TesseraOptions>(o => o.Mode = TesseraMode.Cookie);
        await using (var app = Build(Environments.Development, _application, logs, CookieMode))
        {
            await app.StartAsync();
            using var client = Client(app);
            using var set = await client.PostAsync(new Uri("/set/blue", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            cookie = set.Headers.GetValues("Set-Cookie").First().Split(';')[0];
            await app.StopAsync();
        }

        Assert.True(File.Exists(SecretFile));
        Assert.False(SecretFile.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal), "the development secret must live outside the content root");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SecretFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(SecretFile)!));
        }
        var secret = (await File.ReadAllTextAsync(SecretFile)).Trim();
        var warning = Assert.Single(logs.WithId(2300));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(SecretFile, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(secret, StringComparison.OrdinalIgnoreCase));

        // A restart reads the same secret: the session survives.
        await using var again = Build(Environments.Development, _application, new ListLoggerProvider(), CookieMode);
        await again.StartAsync();
        using var client2 = Client(again);
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri("/get", UriKind.Relative));
        get.Headers.Add("Cookie", cookie);
        Assert.Equal("blue", await (await client2.SendAsync(get)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StartAsync_ProductionWithTheDevelopmentSecret_RefusesSayingWhatToSet()
    {
        await using (var dev = Build(Environments.Development, _application, new ListLoggerProvider()))
        {
            await dev.StartAsync();
            await dev.StopAsync();
        }

        var secret = (await File.ReadAllTextAsync(SecretFile)).Trim();
        await using var app = Build(Environments.Production, _application, new ListLoggerProvider(), b => b.Services.Configure<TesseraOptions>(o => o.Secrets.Add(secret)));
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Tessera:Secrets:0 is the development secret", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Tessera__Secrets__0", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task StartAsync_NotDevelopmentWithoutSecret_RefusesAndWritesNoFile(string environment)
    {
        await using var app = Build(environment, _application, new ListLoggerProvider());
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("Tessera:Secrets is empty", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(SecretFile));
    }

    [Fact]
    public async Task UseSession_AfterUseTessera_WarnsAtStartupAndReportsTheReplacementOnce()
    {
        var logs = new ListLoggerProvider();
        await using var app = Build(
            Environments.Production,
            _application,
            logs,
            b => b.Services.Configure<TesseraOptions>(o => o.Secrets.Add(TestApp.Secret)).AddDistributedMemoryCache().AddSession(),
            pipeline: null);
        app.UseSession(); // after UseTessera (added in Build): HttpContext.Session becomes ASP.NET Core's
        await app.StartAsync();
        Assert.Equal(LogLevel.Warning, Assert.Single(logs.WithId(2301)).Level);

        using var client = Client(app);
        for (var i = 0; i < 3; i++)
        {
            using var set = await client.PostAsync(new Uri("/set/blue", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        Assert.Equal(LogLevel.Error, Assert.Single(logs.WithId(2302)).Level);
    }

    [Fact]
    public async Task UseSession_BeforeUseTessera_WarnsAtStartupAndTesseraKeepsTheSession()
    {
        var logs = new ListLoggerProvider();
        await using var app = Build(
            Environments.Production,
            _application,
            logs,
            b => b.Services.Configure<TesseraOptions>(o => o.Secrets.Add(TestApp.Secret)).AddDistributedMemoryCache().AddSession(),
            a => a.UseSession());
        await app.StartAsync();
        Assert.Single(logs.WithId(2301));

        using var client = Client(app);
        using var set = await client.PostAsync(new Uri("/set/blue", UriKind.Relative), null);
        Assert.Contains(set.Headers.GetValues("Set-Cookie"), h => h.StartsWith("tessera=", StringComparison.Ordinal));
        Assert.Empty(logs.WithId(2302));
    }

    [Fact]
    public async Task UseTessera_WithoutAspNetCoreSession_LogsNeitherWarning()
    {
        var logs = new ListLoggerProvider();
        await using var app = Build(Environments.Production, _application, logs, b => b.Services.Configure<TesseraOptions>(o => o.Secrets.Add(TestApp.Secret)));
        await app.StartAsync();
        using var client = Client(app);
        using var set = await client.PostAsync(new Uri("/set/blue", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Empty(logs.WithId(2301));
        Assert.Empty(logs.WithId(2302));
    }
}
