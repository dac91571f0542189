using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Cookies;
using Tessera.Keys;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary><c>builder.Services.AddTessera(...)</c>.</summary>
public static class TesseraServiceCollectionExtensions
{
    /// <summary>
    /// Adds Tessera sessions: <see cref="TesseraOptions"/> bound from the <c>"Tessera"</c> configuration section, then
    /// <paramref name="configure"/>, validated at start-up; the store chosen by <c>Tessera:Store:Provider</c> (unless an
    /// <see cref="ISessionStore"/> is registered already); the session manager. Then call <c>app.UseTessera()</c>.
    /// </summary>
    /// <returns>A builder for further Tessera registrations.</returns>
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
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TesseraKeyring(Keyring.Parse(sp.GetRequiredService<IOptions<TesseraOptions>>().Value.Secrets, TesseraOptionsValidator.MinimumSecretLength)));
        services.TryAddSingleton<ISessionStore>(sp => TesseraStoreFactory.Create(sp.GetRequiredService<IOptions<TesseraOptions>>().Value.Store, sp));
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
                sp.GetService<ILogger<SessionManager>>());
        });
        services.TryAddSingleton<ISessionEngine>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TesseraOptions>>();
            var time = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetRequiredService<ILogger<TesseraSessionMiddleware>>();
            var legacy = LegacyCookieReader.Create(sp.GetService<ILegacyCookieSource>(), logger);
            return o.Value.Mode == TesseraMode.Cookie
                ? new CookieModeEngine(sp.GetRequiredService<TesseraKeyring>().Keyring, o, time, logger, legacy)
                : new ServerModeEngine(sp.GetRequiredService<SessionManager>(), o, logger, legacy);
        });
        return new TesseraBuilder(services);
    }
}
