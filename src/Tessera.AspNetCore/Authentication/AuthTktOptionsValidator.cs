using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Tessera.AspNetCore;

/// <summary>
/// Checks one auth_tkt scheme's options at start-up and reports every problem at once as an
/// <see cref="OptionsValidationException"/>; with the configuration section they were bound from, also the durations.
/// </summary>
internal sealed class AuthTktOptionsValidator(string scheme, IConfiguration? section) : IValidateOptions<AuthTktOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthTktOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name != scheme)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = options.Failures();
        if (section is not null)
        {
            DurationConfigurationCheck.Check(section, typeof(AuthTktOptions), failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
