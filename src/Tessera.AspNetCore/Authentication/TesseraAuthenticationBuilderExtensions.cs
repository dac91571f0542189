using Microsoft.AspNetCore.Authentication;

namespace Tessera.AspNetCore;

/// <summary><c>AddAuthentication().AddTessera(...)</c>.</summary>
public static class TesseraAuthenticationBuilderExtensions
{
    /// <summary>
    /// Adds the Tessera scheme under <see cref="TesseraDefaults.AuthenticationScheme"/>: <c>HttpContext.User</c> comes from
    /// the signed-in Tessera session, <c>HttpContext.SignInAsync</c> signs in through it (new handle, check value, lifetime)
    /// and <c>SignOutAsync</c> ends it. Needs <c>builder.Services.AddTessera()</c> and <c>app.UseTessera()</c> before
    /// <c>app.UseAuthentication()</c>.
    /// </summary>
    /// <returns>The authentication builder, for chaining.</returns>
    public static AuthenticationBuilder AddTessera(this AuthenticationBuilder builder, Action<TesseraAuthenticationOptions>? configure = null) =>
        builder.AddTessera(TesseraDefaults.AuthenticationScheme, configure);

    /// <summary>Adds the Tessera scheme under <paramref name="scheme"/>; see <see cref="AddTessera(AuthenticationBuilder, Action{TesseraAuthenticationOptions}?)"/>.</summary>
    /// <returns>The authentication builder, for chaining.</returns>
    public static AuthenticationBuilder AddTessera(this AuthenticationBuilder builder, string scheme, Action<TesseraAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddScheme<TesseraAuthenticationOptions, TesseraAuthenticationHandler>(scheme, configure);
    }
}
