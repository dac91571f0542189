using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tessera.Cookies;

namespace Tessera.AspNetCore;

/// <summary>
/// Start-up rules of the session cookie (<see cref="TesseraOptions.Cookie"/>): cookie prefixes used against their rules
/// are refused (browsers would drop every such cookie), and a cookie that may travel without Secure outside Development
/// is a warning.
/// </summary>
internal sealed class TesseraCookieCheck : IValidateOptions<TesseraOptions>
{
    private const string HostPrefix = "__Host-";
    private const string SecurePrefix = "__Secure-";

    // The flat keys these options had before Tessera:Cookie; refused so an old setting is never silently ignored.
    private static readonly (string Old, string New)[] MovedKeys =
    [
        ("CookieName", "Tessera:Cookie:Name"),
        ("CookiePath", "Tessera:Cookie:Path"),
        ("CookieDomain", "Tessera:Cookie:Domain"),
        ("Secure", "Tessera:Cookie:SecurePolicy (Always, SameAsRequest or None)"),
        ("HttpOnly", "Tessera:Cookie:HttpOnly"),
        ("SameSite", "Tessera:Cookie:SameSite"),
        ("MaxAge", "Tessera:Cookie:MaxAge"),
    ];

    private readonly IHostEnvironment? _environment;
    private readonly ILogger _logger;
    private int _warned;

    public TesseraCookieCheck(IServiceProvider services)
    {
        _environment = (IHostEnvironment?)services.GetService(typeof(IHostEnvironment));
        _logger = ((ILoggerFactory?)services.GetService(typeof(ILoggerFactory)))?.CreateLogger<TesseraCookieCheck>() ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Warns once when the session cookie may be sent without Secure outside Development.</summary>
    public ValidateOptionsResult Validate(string? name, TesseraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var policy = options.Cookie.SecurePolicy;
        if (policy != CookieSecurePolicy.Always && _environment is not null && !_environment.IsDevelopment()
            && Interlocked.Exchange(ref _warned, 1) == 0)
        {
            Log.InsecureSessionCookie(_logger, policy.ToString(), _environment.EnvironmentName);
        }

        return ValidateOptionsResult.Success;
    }

    /// <summary>Adds a failure, saying what to change, for each attribute browsers would refuse or Tessera cannot write.</summary>
    public static void AddFailures(CookieBuilder cookie, ICollection<string> failures)
    {
        if (cookie.Name is { } name && !SetCookieHeader.IsValidName(name))
        {
            failures.Add("Tessera:Cookie:Name must be a non-empty cookie name of letters, digits and !#$%&'*+-.^_`|~ (e.g. 'tessera'), or be left unset for the default.");
        }

        if (string.IsNullOrEmpty(cookie.Path) || cookie.Path[0] != '/' || cookie.Path.Any(c => c is ';' or ',' || char.IsControl(c)))
        {
            failures.Add("Tessera:Cookie:Path must start with '/' and contain no ';' (e.g. '/').");
        }

        if (cookie.Domain is { } domain && (domain.Length == 0 || domain.Any(c => c is ';' or ',' or ' ' || char.IsControl(c))))
        {
            failures.Add("Tessera:Cookie:Domain must be a host name such as 'example.com', or be left unset for a host-only cookie.");
        }

        var always = cookie.SecurePolicy == CookieSecurePolicy.Always;
        if (cookie.Name is { } prefixed && prefixed.StartsWith(HostPrefix, StringComparison.OrdinalIgnoreCase) && !SessionCookie.AllowsHostPrefix(cookie))
        {
            var changes = new List<string>();
            if (!always)
            {
                changes.Add("set Tessera:Cookie:SecurePolicy to Always");
            }

            if (cookie.Path != "/")
            {
                changes.Add("set Tessera:Cookie:Path to '/'");
            }

            if (!string.IsNullOrEmpty(cookie.Domain))
            {
                changes.Add("remove Tessera:Cookie:Domain");
            }

            failures.Add($"Tessera:Cookie:Name '{prefixed}' uses the {HostPrefix} prefix against its rules (Secure, Path '/', no Domain), so browsers would drop the cookie: "
                + string.Join(", ", changes) + $", or choose a name without the prefix (e.g. '{TesseraOptions.DefaultCookieName}').");
        }

        if (cookie.Name is { } secureNamed && secureNamed.StartsWith(SecurePrefix, StringComparison.OrdinalIgnoreCase) && !always)
        {
            failures.Add($"Tessera:Cookie:Name '{secureNamed}' uses the {SecurePrefix} prefix, which browsers accept only with Secure: set Tessera:Cookie:SecurePolicy to Always, or choose a name without the prefix.");
        }

        if (cookie.SameSite == SameSiteMode.None && !always)
        {
            failures.Add("Tessera:Cookie:SameSite is None while Tessera:Cookie:SecurePolicy is not Always: browsers drop such cookies; set Tessera:Cookie:SecurePolicy to Always or use Lax.");
        }

        if (cookie.SameSite == SameSiteMode.Unspecified)
        {
            failures.Add("Tessera:Cookie:SameSite must be Lax, Strict or None.");
        }

        if (cookie.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero)
        {
            failures.Add("Tessera:Cookie:MaxAge must be positive, or unset for a browser-session cookie.");
        }

        if (cookie.Expiration is not null)
        {
            failures.Add("Tessera:Cookie:Expiration is not used: set Tessera:Cookie:MaxAge instead (e.g. 7.00:00:00), or leave both unset for a browser-session cookie.");
        }

        if (cookie.Extensions.Count > 0)
        {
            failures.Add("Tessera:Cookie:Extensions is not supported: Tessera writes the attributes above only. Remove it.");
        }
    }

    /// <summary>Refuses the flat cookie keys of earlier versions, naming the key under Tessera:Cookie that replaced each.</summary>
    public static void AddMovedKeyFailures(IConfiguration section, ICollection<string> failures)
    {
        foreach (var (old, replacement) in MovedKeys)
        {
            if (section.GetSection(old).Value is not null)
            {
                failures.Add($"Tessera:{old} is no longer read: the session cookie's attributes live under Tessera:Cookie. Use {replacement} instead.");
            }
        }
    }
}
