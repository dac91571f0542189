using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tessera.AspNetCore.Tests.Support;

/// <summary>A small application on a real Kestrel socket at 127.0.0.1 with an OS-assigned port.</summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string Secret = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(
        Action<WebApplicationBuilder> configureServices, Action<WebApplication> configureApp, IDictionary<string, string?>? settings = null,
        string url = "http://127.0.0.1:0", string? environment = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        configureServices(builder);
        var app = builder.Build();
        configureApp(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, new Uri(address));
    }

    /// <summary>The usual settings: one secret, memory store, Secure off so the test client's http requests carry the cookie.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tessera:Secrets:0"] = Secret,
            ["Tessera:Store:Provider"] = "Memory",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
