using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.AspNetCore.Tests.Configuration;

/// <summary>AddTessera without any store package: the core's stores, the IDistributedCache adapter, and the start-up errors that say what to add.</summary>
public sealed class TesseraStoreRegistrationTests
{
    [Theory]
    [InlineData("PostgreSql", "add the Tessera.PostgreSql package and call .AddPostgreSqlStore()")]
    [InlineData("redis", "add the Tessera.Redis package and call .AddRedisStore()")]
    [InlineData("Sqlite", "add the Tessera.Sqlite package and call .AddSqliteStore()")]
    [InlineData(null, "No session store is registered: add one to AddTessera(), such as .AddSqliteStore() (package Tessera.Sqlite")]
    [InlineData("Oracle", "Unknown session store provider 'Oracle': use one of Memory, File")]
    public async Task StartAsync_ProviderWithoutItsPackage_FailsNamingThePackage(string? provider, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("Tessera:Store:Provider", provider)));

        Assert.Contains("Tessera:Store:Provider: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_CookieModeWithoutStore_NeedsNoStore()
    {
        await using var app = await StartAsync(("Tessera:Store:Provider", null), ("Tessera:Mode", "Cookie"));

        Assert.NotNull(app.Services.GetRequiredService<IOptions<TesseraOptions>>().Value);
    }

    [Fact]
    public async Task AddTessera_MemoryProvider_ServesEveryCapabilityWithTheStoreInstance()
    {
        await using var app = await StartAsync(("Tessera:Store:Provider", "memory"));

        // The registered store is the measured wrapper around the memory store (docs/telemetry.md): one instance for all.
        var store = app.Services.GetRequiredService<ISessionStore>();
        Assert.Equal("memory", store.Name);
        Assert.Same(store, app.Services.GetService<IUserSessionIndex>());
        Assert.Same(store, app.Services.GetService<IExpiredSessionSweeper>());
        Assert.Same(store, app.Services.GetService<ISessionStoreStatistics>());
        Assert.Same(store, app.Services.GetService<ISessionStoreKeyCheck>());
    }

    [Fact]
    public async Task AddDistributedCacheStore_OnlyStore_UsesTheCacheAndHasNoUserIndex()
    {
        await using var app = await StartAsync([("Tessera:Store:Provider", null)], b => b.AddDistributedCacheStore(o => o.KeyPrefix = "app:"), s => s.AddDistributedMemoryCache());

        Assert.Equal("distributed-cache", app.Services.GetRequiredService<ISessionStore>().Name);
        Assert.Null(app.Services.GetService<IUserSessionIndex>());
        Assert.Null(app.Services.GetService<ISessionStoreKeyCheck>());
    }

    [Fact]
    public async Task AddStoreProvider_RequiresConnectionStringAndNoneSet_FailsNamingTheKey()
    {
        var provider = new SessionStoreProvider("Custom", _ => new MemorySessionStore(), requiresConnectionString: true);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync([("Tessera:Store:Provider", "custom")], b => b.AddStoreProvider(provider)));

        Assert.Contains("Tessera:Store:ConnectionString is required for the Custom store", error.Message, StringComparison.Ordinal);
    }

    private static Task<WebApplication> StartAsync(params (string Key, string? Value)[] settings) => StartAsync(settings, _ => { });

    private static async Task<WebApplication> StartAsync((string Key, string? Value)[] settings, Action<TesseraBuilder> stores, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(TestApp.Settings(settings));
        services?.Invoke(builder.Services);
        stores(builder.Services.AddTessera());
        var app = builder.Build();
        app.UseTessera();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }
}
