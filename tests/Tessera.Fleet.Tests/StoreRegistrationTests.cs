using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore;
using Tessera.PostgreSql;
using Tessera.Redis;
using Tessera.Sessions;
using Tessera.Sqlite;
using Tessera.Stores;

namespace Tessera.Fleet.Tests;

/// <summary>The store packages plug into AddTessera's builder; configuration picks among what is registered.</summary>
public sealed class StoreRegistrationTests
{
    private const string Postgres = "Host=127.0.0.1;Username=tessera;Password=tessera;Database=tessera";
    private static readonly string Secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void AddPostgreSqlStore_OnlyStore_ServesEveryCapabilityWithOneInstance()
    {
        using var provider = Build(new(), b => b.AddPostgreSqlStore(Postgres, o => o.Schema = "app"));

        // The measured wrapper around the PostgreSQL store (docs/telemetry.md), the same instance for every capability.
        var store = provider.GetRequiredService<ISessionStore>();
        Assert.Equal("postgresql", store.Name);
        Assert.Same(store, provider.GetRequiredService<IUserSessionIndex>());
        Assert.Same(store, provider.GetRequiredService<IExpiredSessionSweeper>());
        Assert.Same(store, provider.GetRequiredService<ISessionStoreStatistics>());
        Assert.Same(store, provider.GetRequiredService<ISessionStoreKeyCheck>());
    }

    [Theory]
    [InlineData("Redis", "redis")]
    [InlineData("postgresql", "postgresql")]
    [InlineData("SQLITE", "sqlite")]
    [InlineData("Memory", "memory")]
    public void AddTessera_ConfiguredProvider_PicksAmongTheRegisteredStores(string name, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Tessera:Store:Provider"] = name, ["Tessera:Store:ConnectionString"] = name == "Redis" ? "127.0.0.1:6379" : Postgres };
        using var provider = Build(settings, b => b.AddSqliteStore("Data Source=:memory:").AddPostgreSqlStore().AddRedisStore());

        Assert.Equal(expected, provider.GetRequiredService<ISessionStore>().Name);
    }

    [Fact]
    public void AddTessera_SeveralStoresAndNoProvider_FailsAtStartupListingThem()
    {
        using var provider = Build(new(), b => b.AddSqliteStore().AddRedisStore("127.0.0.1:6379"));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TesseraOptions>>().Value);
        Assert.Contains("Several session stores are registered (Sqlite, Redis)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTessera_RegisteredStoreWithoutConnectionString_FailsAtStartupNamingTheKey()
    {
        using var provider = Build(new() { ["Tessera:Store:Provider"] = "PostgreSql" }, b => b.AddPostgreSqlStore());

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TesseraOptions>>().Value);
        Assert.Contains("Tessera:Store:ConnectionString is required for the PostgreSql store", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRedisStore_BlankConnectionString_ThrowsAtRegistration()
    {
        var error = Assert.Throws<ArgumentException>(() => new TesseraBuilder(new ServiceCollection()).AddRedisStore("  "));

        Assert.Contains("ConnectionString must be set", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<TesseraBuilder> stores)
    {
        settings["Tessera:Secrets:0"] = Secret;
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        stores(services.AddTessera());
        return services.BuildServiceProvider();
    }
}
