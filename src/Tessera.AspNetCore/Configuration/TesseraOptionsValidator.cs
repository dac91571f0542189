using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Tessera.AspNetCore;

/// <summary>
/// Checks <see cref="TesseraOptions"/> at start-up; every failure says which configuration key to set and how.
/// </summary>
/// <param name="configuration">The application's configuration, whose raw strings show a duration written as a bare number; absent, that check is skipped.</param>
internal sealed class TesseraOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<TesseraOptions>
{
    /// <summary>The most chunks a session cookie may use: 16 of about 4 KB is the 64 KB the sealed format reads.</summary>
    public const int MaxCookieChunksLimit = 16;

    /// <summary>The most entries of the opened-cookie cache: 1000000 entries may keep up to 4 GB.</summary>
    public const int MaxCookieCacheSize = 1_000_000;

    public ValidateOptionsResult Validate(string? name, TesseraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        TesseraSecretsCheck.AddFailures(options.Secrets, failures);

        TesseraCookieCheck.AddFailures(options.Cookie, failures);
        if (options.MaxCookieChunks is < 1 or > MaxCookieChunksLimit)
        {
            failures.Add($"Tessera:MaxCookieChunks must be 1 to {MaxCookieChunksLimit} (e.g. 4): each chunk is a cookie of about 4 KB sent on every request, and Tessera reads at most 64 KB.");
        }

        if (options.CookieCacheSize is < 0 or > MaxCookieCacheSize)
        {
            failures.Add($"Tessera:CookieCacheSize must be 0 (off) to {MaxCookieCacheSize} (e.g. 4096): each entry keeps a recently seen session cookie opened in memory, up to 4 KiB.");
        }

        if (options.MaxSessionSize < 1024)
        {
            failures.Add("Tessera:MaxSessionSize must be at least 1024 bytes (e.g. 1048576 for 1 MiB).");
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

        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add("Tessera:Mode must be Server or Cookie.");
        }

        if (configuration is not null)
        {
            DurationConfigurationCheck.Check(configuration.GetSection(TesseraOptions.SectionName), typeof(TesseraOptions), failures);
            DurationConfigurationCheck.Check(configuration.GetSection(TesseraSweeperOptions.SectionName), typeof(TesseraSweeperOptions), failures);
            TesseraCookieCheck.AddMovedKeyFailures(configuration.GetSection(TesseraOptions.SectionName), failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
