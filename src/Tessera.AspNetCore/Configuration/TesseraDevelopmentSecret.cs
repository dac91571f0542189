using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tessera.Keys;

namespace Tessera.AspNetCore;

/// <summary>
/// Development without ceremony, production without surprises: in Development, an application without
/// <c>Tessera:Secrets</c> gets a generated secret kept outside the content root, in
/// <c>&lt;local app data&gt;/tessera/dev-secrets/&lt;application name&gt;.key</c> (directory 0700, file 0600), and one
/// warning; in any other environment that secret is refused, as is a missing one (<see cref="TesseraSecretsCheck"/>).
/// </summary>
internal sealed class TesseraDevelopmentSecret : IPostConfigureOptions<TesseraOptions>, IValidateOptions<TesseraOptions>
{
    private readonly IHostEnvironment? _environment;
    private readonly ILogger _logger;
    private int _warned;

    public TesseraDevelopmentSecret(IServiceProvider services)
    {
        _environment = (IHostEnvironment?)services.GetService(typeof(IHostEnvironment));
        _logger = ((ILoggerFactory?)services.GetService(typeof(ILoggerFactory)))?.CreateLogger<TesseraDevelopmentSecret>() ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The file that keeps the development secret of an application.</summary>
    public static string PathFor(string applicationName)
    {
        var name = string.Concat(applicationName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "tessera", "dev-secrets", name + ".key");
    }

    public void PostConfigure(string? name, TesseraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Secrets.Count > 0 || _environment is null || !_environment.IsDevelopment())
        {
            return;
        }

        var path = PathFor(_environment.ApplicationName);
        options.Secrets.Add(ReadOrCreate(path));
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            // Options are built once per options cache (IOptions, IOptionsMonitor): warn once per application.
            Log.DevelopmentSecretInUse(_logger, path);
        }
    }

    public ValidateOptionsResult Validate(string? name, TesseraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_environment is null || _environment.IsDevelopment() || options.Secrets.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var path = PathFor(_environment.ApplicationName);
        var development = File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        var index = development is null ? -1 : options.Secrets.IndexOf(development);
        return index < 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Tessera:Secrets:{index} is the development secret of {path}, and the environment is '{_environment.EnvironmentName}', "
                + "not Development: set Tessera:Secrets to a secret of your own ('tessera secret' prints one), e.g. the environment variable Tessera__Secrets__0=<secret>.");
    }

    private static string ReadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            var directory = Path.GetDirectoryName(path)!;
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var temporary = $"{path}.{Environment.ProcessId}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(temporary, options))
            {
                writer.WriteLine(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretRule.MinimumLength)));
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException)
            {
                // Another process created it first: use theirs.
                File.Delete(temporary);
            }
        }

        return File.ReadAllText(path).Trim();
    }
}
