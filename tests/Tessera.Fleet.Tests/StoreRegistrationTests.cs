using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore;
using Tessera.PostgreSql;
using Tessera.Redis;
using Tessera.Sessions;

namespace Tessera.Fleet.Tests;

/// <summary>AddPostgreSqlStore / AddRedisStore make their store the application's, whatever the order with AddTessera.</summary>
public sealed class StoreRegistrationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddPostgreSqlStore_BeforeOrAfterAddTessera_ServesEveryStoreInterfaceWithOneInstance(bool afterTessera)
    {
        var services = new ServiceCollection().AddLogging();
        if (afterTessera)
        {
            services.AddTessera();
        }

        services.AddPostgreSqlStore("Host=127.0.0.1;Username=tessera;Password=tessera;Database=tessera", o => o.Schema = "app");
        if (!afterTessera)
        {
            services.AddTessera();
        }

        using var provider = services.BuildServiceProvider();
        var store = Assert.IsType<PostgreSqlSessionStore>(provider.GetRequiredService<ISessionStore>());
        Assert.Same(store, provider.GetRequiredService<IUserSessionIndex>());
        Assert.Same(store, provider.GetRequiredService<IExpiredSessionSweeper>());
        Assert.Same(store, provider.GetRequiredService<ISessionStoreStatistics>());
    }

    [Fact]
    public void AddRedisStore_AfterAddTessera_ReplacesTheConfiguredStore()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddTessera();
        services.AddRedisStore("127.0.0.1:6379", o => o.KeyPrefix = "app:");

        using var provider = services.BuildServiceProvider();
        var store = Assert.IsType<RedisSessionStore>(provider.GetRequiredService<ISessionStore>());
        Assert.Same(store, provider.GetRequiredService<IUserSessionIndex>());
    }

    [Fact]
    public void AddRedisStore_BadConnectionString_ThrowsAtRegistration()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddRedisStore("  "));

        Assert.Contains("connectionString", error.Message);
    }
}
