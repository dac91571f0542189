using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore;
using Tessera.Keys;

namespace Tessera.Legacy;

/// <summary>Start-up validation of <see cref="LegacyCookieOptions"/>: each failure names the setting and what to copy from the Python site.</summary>
/// <param name="configuration">The application's configuration, whose raw strings show a timeout written as a bare number; absent, that check is skipped.</param>
internal sealed class LegacyCookieOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<LegacyCookieOptions>
{
    public ValidateOptionsResult Validate(string? name, LegacyCookieOptions options)
    {
        var failures = new List<string>();
        if (options.BeakerCookieName is not null)
        {
            if (options.BeakerCookieName.Length == 0)
            {
                failures.Add("Tessera:Legacy:BeakerCookieName must be the Beaker site's cookie name (session.key, e.g. 'beaker.session.id').");
            }

            if (string.IsNullOrEmpty(options.BeakerValidateKey))
            {
                failures.Add("Tessera:Legacy:BeakerValidateKey is required when Tessera:Legacy:BeakerCookieName is set: copy session.validate_key from the Beaker site.");
            }

            if (options.BeakerCryptoType is not ("default" or "cryptography"))
            {
                failures.Add("Tessera:Legacy:BeakerCryptoType must be 'default' (AES-CTR) or 'cryptography' (AES-GCM), as session.crypto_type on the Beaker site.");
            }

            if (options.BeakerEncryptKey is not null && (options.BeakerEncryptKey.Length == 0 || !System.Text.Ascii.IsValid(options.BeakerEncryptKey) || !System.Text.Ascii.IsValid(options.BeakerValidateKey ?? string.Empty)))
            {
                failures.Add("Tessera:Legacy:BeakerEncryptKey must be the Beaker site's session.encrypt_key (ASCII, as Beaker requires when encrypting; leave it unset for signed-only cookies).");
            }
        }

        if (options.PyramidCookieName is not null)
        {
            if (options.PyramidCookieName.Length == 0)
            {
                failures.Add("Tessera:Legacy:PyramidCookieName must be the Pyramid site's cookie name (e.g. 'session').");
            }

            if (DecodedLength(options.PyramidSecret) != SecretBox.KeySize)
            {
                failures.Add("Tessera:Legacy:PyramidSecret must be the Pyramid site's 32-byte secret as 64 hex digits when Tessera:Legacy:PyramidCookieName is set.");
            }
        }

        if (configuration is not null)
        {
            DurationConfigurationCheck.Check(configuration.GetSection(LegacyCookieOptions.SectionName), typeof(LegacyCookieOptions), failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static int DecodedLength(string? secret)
    {
        try
        {
            return secret is null ? -1 : Keyring.DecodeSecret(secret).Length;
        }
        catch (ArgumentException)
        {
            return -1;
        }
    }
}
