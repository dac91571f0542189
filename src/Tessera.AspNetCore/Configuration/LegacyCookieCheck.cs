using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.Cookies;

namespace Tessera.AspNetCore;

/// <summary>
/// Start-up checks of legacy-cookie migration: a <c>Tessera:Legacy</c> section without the Tessera.Legacy package
/// registered would be silently ignored (the site would stop reading its old cookies), and a legacy cookie named like
/// Tessera's own would be read in the wrong format.
/// </summary>
internal sealed class LegacyCookieCheck(IServiceProvider services) : IValidateOptions<TesseraOptions>
{
    private const string SectionName = "Tessera:Legacy";

    public ValidateOptionsResult Validate(string? name, TesseraOptions options)
    {
        var registered = services.GetService<IServiceProviderIsService>()?.IsService(typeof(ILegacyCookieSource)) ?? false;
        if (!registered)
        {
            return services.GetService<IConfiguration>()?.GetSection(SectionName).Exists() == true
                ? ValidateOptionsResult.Fail($"The configuration has a '{SectionName}' section but no legacy cookie formats are registered: add the Tessera.Legacy package and call builder.Services.AddTessera(...).AddLegacyCookies(), or remove the section.")
                : ValidateOptionsResult.Success;
        }

        IReadOnlyList<LegacyCookie> cookies;
        try
        {
            cookies = services.GetRequiredService<ILegacyCookieSource>().Cookies;
        }
        catch (OptionsValidationException)
        {
            return ValidateOptionsResult.Skip; // the legacy options' own start-up validation reports it, once
        }

        var sessionCookie = SessionCookie.NameOf(options.Cookie);
        var failures = cookies
            .Where(c => c.CookieName == sessionCookie)
            .Select(c => $"The legacy {c.Format.Name} cookie name '{c.CookieName}' ({SectionName}) must differ from the session cookie's name '{sessionCookie}' (Tessera:Cookie:Name).")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
