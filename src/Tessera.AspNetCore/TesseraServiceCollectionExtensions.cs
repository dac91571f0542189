using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Cookies;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.AspNetCore;

/// <summary><c>builder.Services.AddTessera(...)</c>.</summary>
public static class TesseraServiceCollectionExtensions
{
    /// <summary>
    /// Adds Tessera sessions: <see cref="TesseraOptions"/> bound from the <c>"Tessera"</c> configuration section, then
    /// <paramref name="configure"/>, validated at start-up; the store chosen by <c>Tessera:Store:Provider</c> among the
    /// stores added on the returned builder (unless an <see cref="ISessionStore"/> is registered already); the session
    /// manager. Then call <c>app.UseTessera()</c>.
    /// </summary>
    /// <example><c>builder.Services.AddTessera(o => o.IdleTimeout = TimeSpan.FromMinutes(30)).AddSqliteStore();</c></example>
    /// <returns>A builder that store packages extend (<c>.AddSqliteStore()</c>, <c>.AddPostgreSqlStore()</c>, <c>.AddRedisStore()</c>, <c>.AddDistributedCacheStore()</c>).</returns>
    public static TesseraBuilder AddTessera(this IServiceCollection services, Action<TesseraOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<TesseraOptions>().BindConfiguration(TesseraOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TesseraOptions>, TesseraOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TesseraOptions>, LegacyCookieCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TesseraOptions>, TesseraCookieCheck>());
        services.TryAddSingleton<TesseraDevelopmentSecret>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<TesseraOptions>, TesseraDevelopmentSecret>(sp => sp.GetRequiredService<TesseraDevelopmentSecret>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TesseraOptions>, TesseraDevelopmentSecret>(sp => sp.GetRequiredService<TesseraDevelopmentSecret>()));
        if (!services.Any(d => d.ServiceType == typeof(ISessionStore)))
        {
            // An ISessionStore the application registered itself needs no provider.
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TesseraOptions>, TesseraStoreValidator>());
        }

        services.TryAddSingleton(TimeProvider.System);
        // The Tessera meter comes from the application's IMeterFactory (one per container, disposed with it).
        services.AddMetrics();
        services.TryAddSingleton<TesseraHttpMetrics>();
        services.AddOptions<TesseraSweeperOptions>().BindConfiguration(TesseraSweeperOptions.SectionName)
            .Validate(o => o.Interval > TimeSpan.Zero, "Tessera:Sweeper:Interval must be positive (e.g. 00:05:00 for 5 minutes).").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, TesseraSweeper>());
        services.TryAddSingleton(sp => new TesseraKeyring(Keyring.Parse(sp.GetRequiredService<IOptions<TesseraOptions>>().Value.Secrets, SecretRule.MinimumLength)));
        var builder = new TesseraBuilder(services).AddSessionStore(sp =>
        {
            var store = sp.GetRequiredService<IOptions<TesseraOptions>>().Value.Store;
            return (store.Provider, store.ConnectionString);
        });
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TesseraOptions>>().Value;
            return new SessionManager(
                sp.GetRequiredService<ISessionStore>(),
                new SessionManagerOptions
                {
                    IdleTimeout = o.IdleTimeout,
                    AbsoluteLifetime = o.AbsoluteLifetime,
                    TouchInterval = o.ReissueTime,
                    BindToClientIp = o.BindToClientIp,
                    MaxMergeAttempts = o.MaxMergeAttempts,
                },
                sp.GetRequiredService<TesseraKeyring>().Keyring,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<SessionManager>>(),
                sp.GetRequiredService<IMeterFactory>());
        });
        // Lists and revokes a user's sessions; resolves to null over a store without a user index.
        services.TryAddSingleton(sp => sp.GetRequiredService<ISessionStore>() is IUserSessionIndex
            ? new UserSessionDirectory(sp.GetRequiredService<ISessionStore>(), sp.GetRequiredService<TesseraKeyring>().Keyring, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<UserSessionDirectory>>())
            : null!);
        services.TryAddSingleton<ISessionEngine>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TesseraOptions>>();
            var time = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetRequiredService<ILogger<TesseraSessionMiddleware>>();
            var metrics = sp.GetRequiredService<TesseraHttpMetrics>();
            var legacy = LegacyCookieReader.Create(sp.GetService<ILegacyCookieSource>(), logger, metrics);
            var cutoffs = sp.GetService<AuthTktCutoffs>();
            return o.Value.Mode == TesseraMode.Cookie
                ? new CookieModeEngine(sp.GetRequiredService<TesseraKeyring>().Keyring, o, time, logger, metrics, sp.GetRequiredService<IMeterFactory>(), legacy, cutoffs)
                : new ServerModeEngine(sp.GetRequiredService<SessionManager>(), sp.GetService<UserSessionDirectory>(), o, time, logger, metrics, legacy, cutoffs);
        });
        return builder;
    }
}
