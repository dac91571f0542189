using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.Redis;

/// <summary>Registers <see cref="RedisSessionStore"/> as the application's session store.</summary>
public static class TesseraRedisExtensions
{
    /// <summary>
    /// Makes a <see cref="RedisSessionStore"/> on <paramref name="connectionString"/> (<c>host:port[,password=...][,ssl=true]</c>) the singleton
    /// <see cref="ISessionStore"/> (replacing any other), also serving <see cref="IUserSessionIndex"/>,
    /// <see cref="IExpiredSessionSweeper"/> and <see cref="ISessionStoreStatistics"/>. The clock is the registered
    /// <see cref="TimeProvider"/>, or the system clock.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is empty or an option is invalid.</exception>
    public static IServiceCollection AddRedisStore(this IServiceCollection services, string connectionString, Action<RedisSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new RedisSessionStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        options.Validate(requireConnectionString: true);

        services.RemoveAll<ISessionStore>();
        services.RemoveAll<IUserSessionIndex>();
        services.RemoveAll<IExpiredSessionSweeper>();
        services.RemoveAll<ISessionStoreStatistics>();
        services.AddSingleton(sp => new RedisSessionStore(
            options, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetService<ILogger<RedisSessionStore>>()));
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<RedisSessionStore>());
        services.AddSingleton<IUserSessionIndex>(sp => sp.GetRequiredService<RedisSessionStore>());
        services.AddSingleton<IExpiredSessionSweeper>(sp => sp.GetRequiredService<RedisSessionStore>());
        services.AddSingleton<ISessionStoreStatistics>(sp => sp.GetRequiredService<RedisSessionStore>());
        return services;
    }
}
