using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.PostgreSql;

/// <summary>Registers <see cref="PostgreSqlSessionStore"/> as the application's session store.</summary>
public static class TesseraPostgreSqlExtensions
{
    /// <summary>
    /// Makes a <see cref="PostgreSqlSessionStore"/> on <paramref name="connectionString"/> the singleton
    /// <see cref="ISessionStore"/> (replacing any other), also serving <see cref="IUserSessionIndex"/>,
    /// <see cref="IExpiredSessionSweeper"/> and <see cref="ISessionStoreStatistics"/>. The clock is the registered
    /// <see cref="TimeProvider"/>, or the system clock.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is empty or an option is invalid.</exception>
    public static IServiceCollection AddPostgreSqlStore(this IServiceCollection services, string connectionString, Action<PostgreSqlSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new PostgreSqlSessionStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        options.Validate(requireConnectionString: true);

        services.RemoveAll<ISessionStore>();
        services.RemoveAll<IUserSessionIndex>();
        services.RemoveAll<IExpiredSessionSweeper>();
        services.RemoveAll<ISessionStoreStatistics>();
        services.AddSingleton(sp => new PostgreSqlSessionStore(
            options, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetService<ILogger<PostgreSqlSessionStore>>()));
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<PostgreSqlSessionStore>());
        services.AddSingleton<IUserSessionIndex>(sp => sp.GetRequiredService<PostgreSqlSessionStore>());
        services.AddSingleton<IExpiredSessionSweeper>(sp => sp.GetRequiredService<PostgreSqlSessionStore>());
        services.AddSingleton<ISessionStoreStatistics>(sp => sp.GetRequiredService<PostgreSqlSessionStore>());
        return services;
    }
}
