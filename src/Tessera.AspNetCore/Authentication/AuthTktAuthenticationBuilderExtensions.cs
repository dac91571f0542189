using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Tessera.AspNetCore;

/// <summary><c>AddAuthentication().AddAuthTkt(...)</c>.</summary>
public static class AuthTktAuthenticationBuilderExtensions
{
    /// <summary>Adds the auth_tkt scheme under <see cref="AuthTktDefaults.AuthenticationScheme"/>.</summary>
    /// <returns>The authentication builder, for chaining.</returns>
    public static AuthenticationBuilder AddAuthTkt(this AuthenticationBuilder builder, Action<AuthTktOptions>? configure = null) =>
        builder.AddAuthTkt(AuthTktDefaults.AuthenticationScheme, configure);

    /// <summary>Adds the auth_tkt scheme under <paramref name="scheme"/>.</summary>
    /// <returns>The authentication builder, for chaining.</returns>
    public static AuthenticationBuilder AddAuthTkt(this AuthenticationBuilder builder, string scheme, Action<AuthTktOptions>? configure = null) =>
        AddAuthTktCore(builder, scheme, section: null, configure);

    /// <summary>
    /// Adds the auth_tkt scheme under <see cref="AuthTktDefaults.AuthenticationScheme"/>, bound from
    /// <paramref name="section"/> (e.g. <c>Configuration.GetSection("AuthTkt")</c>) and then <paramref name="configure"/>.
    /// Start-up also refuses a duration written as a bare number there (the binder reads <c>7200</c> as 7200 days).
    /// </summary>
    /// <returns>The authentication builder, for chaining.</returns>
    public static AuthenticationBuilder AddAuthTkt(this AuthenticationBuilder builder, IConfiguration section, Action<AuthTktOptions>? configure = null) =>
        builder.AddAuthTkt(AuthTktDefaults.AuthenticationScheme, section, configure);

    /// <summary>Adds the auth_tkt scheme under <paramref name="scheme"/>, bound from <paramref name="section"/>; see <see cref="AddAuthTkt(AuthenticationBuilder, IConfiguration, Action{AuthTktOptions}?)"/>.</summary>
    /// <returns>The authentication builder, for chaining.</returns>
    public static AuthenticationBuilder AddAuthTkt(this AuthenticationBuilder builder, string scheme, IConfiguration section, Action<AuthTktOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddAuthTktCore(builder, scheme, section, o =>
        {
            section.Bind(o);
            configure?.Invoke(o);
        });
    }

    private static AuthenticationBuilder AddAuthTktCore(AuthenticationBuilder builder, string scheme, IConfiguration? section, Action<AuthTktOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AuthTktOptions>(scheme).ValidateOnStart();
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<TesseraHttpMetrics>();
        builder.Services.AddSingleton<IValidateOptions<AuthTktOptions>>(new AuthTktOptionsValidator(scheme, section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AuthTktCutoffs>();
        return builder.AddScheme<AuthTktOptions, AuthTktHandler>(scheme, configure);
    }
}
