using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Tessera.AspNetCore;

/// <summary>
/// Checks <see cref="TesseraOptions"/> at start-up; every failure says which configuration key to set and how.
/// </summary>
/// <param name="configuration">The application's configuration, whose raw strings show a duration written as a bare number; absent, that check is skipped.</param>
internal sealed class TesseraOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<TesseraOptions>
{
    public ValidateOptionsResult Validate(string? name, TesseraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        TesseraSecretsCheck.AddFailures(options.Secrets, failures);

        if (string.IsNullOrEmpty(options.CookieName) || !options.CookieName.All(IsTokenChar))
        {
            failures.Add("Tessera:CookieName must be a non-empty cookie name of letters, digits and !#$%&'*+-.^_`|~ (e.g. 'tessera').");
        }

        if (string.IsNullOrEmpty(options.CookiePath) || options.CookiePath[0] != '/' || options.CookiePath.Any(c => c is ';' or ',' || char.IsControl(c)))
        {
            failures.Add("Tessera:CookiePath must start with '/' and contain no ';' (e.g. '/').");
        }

        if (options.CookieDomain is { } domain && (domain.Length == 0 || domain.Any(c => c is ';' or ',' or ' ' || char.IsControl(c))))
        {
            failures.Add("Tessera:CookieDomain must be a host name such as 'example.com', or be left unset for a host-only cookie.");
        }

        if (options.SameSite == SameSiteMode.None && !options.Secure)
        {
            failures.Add("Tessera:SameSite is None while Tessera:Secure is false: browsers drop such cookies; set Tessera:Secure to true or use Lax.");
        }

        if (options.SameSite == SameSiteMode.Unspecified)
        {
            failures.Add("Tessera:SameSite must be Lax, Strict or None.");
        }

        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add("Tessera:IdleTimeout must be positive (e.g. 00:20:00 for 20 minutes).");
        }

        if (options.AbsoluteLifetime < options.IdleTimeout)
        {
            failures.Add("Tessera:AbsoluteLifetime must be at least Tessera:IdleTimeout (e.g. 12:00:00 for 12 hours).");
        }

        if (options.ReissueTime < TimeSpan.Zero || (options.IdleTimeout > TimeSpan.Zero && options.ReissueTime >= options.IdleTimeout))
        {
            failures.Add("Tessera:ReissueTime must be zero or more and shorter than Tessera:IdleTimeout (e.g. 00:01:00).");
        }

        if (options.MaxMergeAttempts < 1)
        {
            failures.Add("Tessera:MaxMergeAttempts must be at least 1 (e.g. 8).");
        }

        if (options.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero)
        {
            failures.Add("Tessera:MaxAge must be positive, or unset for a browser-session cookie.");
        }

        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add("Tessera:Mode must be Server or Cookie.");
        }

        if (configuration is not null)
        {
            DurationConfigurationCheck.Check(configuration.GetSection(TesseraOptions.SectionName), typeof(TesseraOptions), failures);
            DurationConfigurationCheck.Check(configuration.GetSection(TesseraSweeperOptions.SectionName), typeof(TesseraSweeperOptions), failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
