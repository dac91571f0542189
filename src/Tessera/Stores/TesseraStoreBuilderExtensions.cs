using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Sessions;

namespace Tessera.Stores;

/// <summary>Store registrations on <see cref="TesseraBuilder"/>, shared by every store package.</summary>
public static class TesseraStoreBuilderExtensions
{
    /// <summary>
    /// Registers <paramref name="provider"/> under its name, so <c>Tessera:Store:Provider</c> can choose it (the only
    /// registered provider is used when none is configured). Store packages call this from their <c>Add...Store()</c>.
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    public static TesseraBuilder AddStoreProvider(this TesseraBuilder builder, SessionStoreProvider provider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(provider);
        builder.Services.AddSingleton(provider);
        return builder;
    }

    /// <summary>
    /// Uses the application's <c>IDistributedCache</c> (registered separately) as the session store, with the limits
    /// <see cref="DistributedCacheSessionStore"/> lists; provider name <c>DistributedCache</c>.
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static TesseraBuilder AddDistributedCacheStore(this TesseraBuilder builder, Action<DistributedCacheSessionStoreOptions>? configure = null)
    {
        var options = new DistributedCacheSessionStoreOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.AddStoreProvider(new SessionStoreProvider("DistributedCache", context =>
        {
            var cache = context.Services?.GetService<Microsoft.Extensions.Caching.Distributed.IDistributedCache>()
                ?? throw new InvalidOperationException("AddDistributedCacheStore() needs an IDistributedCache: register one (AddStackExchangeRedisCache, AddDistributedSqlServerCache...).");
            return new DistributedCacheSessionStore(cache, options, context.TimeProvider, context.LoggerFactory.CreateLogger<DistributedCacheSessionStore>());
        }));
    }

    /// <summary>
    /// Registers <see cref="ISessionStore"/> as the store <paramref name="select"/> chooses through
    /// <see cref="SessionStoreFactory"/> (unless one is registered already), measured on the application's
    /// <see cref="IMeterFactory"/> when one is registered, and each optional capability
    /// (<see cref="IUserSessionIndex"/>, <see cref="IExpiredSessionSweeper"/>, <see cref="ISessionStoreStatistics"/>,
    /// <see cref="ISessionStoreKeyCheck"/>) as that same instance when it has it. Hosts such as <c>AddTessera()</c> call this once.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="select">The configured provider name and connection string.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TesseraBuilder AddSessionStore(this TesseraBuilder builder, Func<IServiceProvider, (string? Provider, string? ConnectionString)> select)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(select);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var (provider, connectionString) = select(sp);
            return SessionStoreFactory.Create(provider, sp.GetServices<SessionStoreProvider>(), new SessionStoreContext
            {
                ConnectionString = connectionString,
                TimeProvider = sp.GetRequiredService<TimeProvider>(),
                LoggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
                MeterFactory = sp.GetService<IMeterFactory>(),
                Services = sp,
            });
        });
        Capability<IUserSessionIndex>(services);
        Capability<IExpiredSessionSweeper>(services);
        Capability<ISessionStoreStatistics>(services);
        Capability<ISessionStoreKeyCheck>(services);
        return builder;
    }

    // Resolves to the store itself, or to null when it lacks the capability (GetService then returns null).
    private static void Capability<T>(IServiceCollection services)
        where T : class =>
        services.TryAddSingleton(sp => (sp.GetRequiredService<ISessionStore>() as T)!);
}
