using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tessera.Cookies;

namespace Tessera.Legacy;

/// <summary><c>builder.Services.AddTessera().AddLegacyCookies()</c>.</summary>
public static class LegacyTesseraBuilderExtensions
{
    /// <summary>
    /// Reads Beaker and pyramid_nacl_session cookies once and re-issues them in Tessera's format:
    /// <see cref="LegacyCookieOptions"/> bound from the <c>Tessera:Legacy</c> configuration section, then
    /// <paramref name="configure"/>, validated at start-up.
    /// </summary>
    /// <returns>The builder, so calls chain.</returns>
    public static TesseraBuilder AddLegacyCookies(this TesseraBuilder builder, Action<LegacyCookieOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<LegacyCookieOptions>().BindConfiguration(LegacyCookieOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LegacyCookieOptions>, LegacyCookieOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ILegacyCookieSource, LegacyCookieSource>();
        return builder;
    }
}
