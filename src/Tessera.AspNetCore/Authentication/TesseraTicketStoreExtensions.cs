using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// <c>AddCookie().AddTesseraTicketStore()</c> and <c>AddIdentity…().AddTesseraTicketStore()</c>: cookie authentication
/// keeps its tickets server-side in the Tessera store configured by <c>AddTessera()</c>.
/// </summary>
public static class TesseraTicketStoreExtensions
{
    /// <summary>
    /// Keeps the tickets of the cookie scheme <paramref name="authenticationScheme"/> in Tessera's session store: the
    /// cookie holds only a session handle, sign-out deletes the record, and <see cref="TesseraTicketSessions"/> lists and
    /// revokes a user's sessions. Needs <c>builder.Services.AddTessera()</c> with a store that has a user index (SQLite,
    /// PostgreSQL, Redis, memory, file).
    /// </summary>
    /// <param name="builder">The authentication builder (after <c>AddCookie(...)</c>).</param>
    /// <param name="authenticationScheme">The cookie scheme; the default is <see cref="CookieAuthenticationDefaults.AuthenticationScheme"/>.</param>
    /// <param name="configure">Further configures <see cref="TesseraTicketStoreOptions"/> (after <c>Tessera:TicketStore</c>).</param>
    /// <returns>The builder, for chaining.</returns>
    public static AuthenticationBuilder AddTesseraTicketStore(this AuthenticationBuilder builder, string authenticationScheme = CookieAuthenticationDefaults.AuthenticationScheme, Action<TesseraTicketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        AddServices(builder.Services, authenticationScheme, configure);
        return builder;
    }

    /// <summary>
    /// Keeps ASP.NET Core Identity's application cookie (<see cref="IdentityConstants.ApplicationScheme"/>) in Tessera's
    /// session store, as <see cref="AddTesseraTicketStore(AuthenticationBuilder, string, Action{TesseraTicketStoreOptions})"/>
    /// does, and signs a user's other sessions out as soon as the security stamp changes (password change or reset,
    /// <c>UserManager.UpdateSecurityStampAsync</c>), not after Identity's validation interval. The session that made the
    /// change stays signed in.
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    public static IdentityBuilder AddTesseraTicketStore(this IdentityBuilder builder, Action<TesseraTicketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddServices(builder.Services, IdentityConstants.ApplicationScheme, configure);
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped(
            typeof(IUserValidator<>).MakeGenericType(builder.UserType),
            typeof(TesseraSecurityStampValidator<>).MakeGenericType(builder.UserType)));
        return builder;
    }

    private static void AddServices(IServiceCollection services, string scheme, Action<TesseraTicketStoreOptions>? configure)
    {
        var options = services.AddOptions<TesseraTicketStoreOptions>().BindConfiguration(TesseraTicketStoreOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.AbsoluteLifetime > TimeSpan.Zero, "Tessera:TicketStore:AbsoluteLifetime must be positive (e.g. 30.00:00:00 for 30 days).")
            .Validate(o => !string.IsNullOrEmpty(o.UserIdClaimType) && !string.IsNullOrEmpty(o.SecurityStampClaimType), "Tessera:TicketStore:UserIdClaimType and SecurityStampClaimType must name claim types.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new SecurityStampMarkers(Manager(sp), sp.GetRequiredService<TesseraKeyring>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptionsMonitor<TesseraTicketStoreOptions>>()));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<TesseraTicketStore>(sp, Manager(sp)));
        services.TryAddSingleton(sp => new TesseraTicketSessions(Directory(sp), sp.GetRequiredService<IOptionsMonitor<TesseraTicketStoreOptions>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, TesseraTicketStoreStartup>(sp => new TesseraTicketStoreStartup(Manager(sp))));
        services.AddOptions<CookieAuthenticationOptions>(scheme).Configure<IServiceProvider>((cookie, sp) => cookie.SessionStore = sp.GetRequiredService<TesseraTicketStore>());
    }

    private static UserSessionDirectory Directory(IServiceProvider services) =>
        services.GetService<UserSessionDirectory>()
        ?? throw new InvalidOperationException($"AddTesseraTicketStore() lists and revokes a user's sessions: session store '{Manager(services).Store.Name}' has no user index. Use the SQLite, PostgreSQL, Redis, file or memory store.");

    private static SessionManager Manager(IServiceProvider services) =>
        services.GetService<SessionManager>()
        ?? throw new InvalidOperationException("AddTesseraTicketStore() keeps tickets in Tessera's session store: call builder.Services.AddTessera().AddSqliteStore() (or another store) as well.");
}
