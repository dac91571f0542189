using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;

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
    public static AuthenticationBuilder AddAuthTkt(this AuthenticationBuilder builder, string scheme, Action<AuthTktOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AuthTktOptions>(scheme).Validate(
            o =>
            {
                o.Validate();
                return true;
            }).ValidateOnStart();
        return builder.AddScheme<AuthTktOptions, AuthTktHandler>(scheme, configure);
    }
}
