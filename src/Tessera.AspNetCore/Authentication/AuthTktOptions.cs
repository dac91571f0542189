using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Tessera.Tickets;

namespace Tessera.AspNetCore;

/// <summary>
/// The auth_tkt scheme's settings: the ticket (Apache mod_auth_tkt's <c>TKTAuth*</c> directives) and its cookie.
/// Bind them from configuration (e.g. an <c>AuthTkt</c> section) or set them in code.
/// </summary>
public sealed class AuthTktOptions : AuthenticationSchemeOptions
{
    /// <summary>
    /// The shared secrets, newest first, as the text of Apache's <c>TKTAuthSecret</c> (used as UTF-8 bytes, exactly as
    /// the module and plone do). The first signs; every one verifies, so rotating is adding a new first secret.
    /// </summary>
    /// <value>The default is empty, which the scheme refuses at first use.</value>
    public IList<string> Secrets { get; } = [];

    /// <summary>The digest (<c>TKTAuthDigestType</c>: Md5, Sha256, Sha512; or plone's HmacSha256).</summary>
    /// <value>The default is <see cref="TicketScheme.Sha512"/>.</value>
    public TicketScheme Scheme { get; set; } = TicketScheme.Sha512;

    /// <summary>How long a ticket lives after it was issued (<c>TKTAuthTimeout</c>).</summary>
    /// <value>The default is 2 hours.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The fraction of <see cref="Timeout"/> left below which a ticket is re-issued (<c>TKTAuthTimeoutRefresh</c>).</summary>
    /// <value>The default is 0.5.</value>
    public double RefreshFraction { get; set; } = 0.5;

    /// <summary>Whether tickets are not bound to the client IPv4 address (<c>TKTAuthIgnoreIP on</c>).</summary>
    /// <value>The default is <see langword="false"/>: bound, as Apache's default. Behind a proxy, set it (or forward the client address).</value>
    public bool IgnoreIp { get; set; }

    /// <summary>What to do for an IPv6 client while <see cref="IgnoreIp"/> is <see langword="false"/> (the format binds only IPv4).</summary>
    /// <value>The default is <see cref="AuthTktIPv6Policy.IssueUnbound"/>: an unbound ticket, logged once per process.</value>
    public AuthTktIPv6Policy IPv6Policy { get; set; } = AuthTktIPv6Policy.IssueUnbound;

    /// <summary>Tokens of which a ticket needs one (<c>TKTAuthToken</c>).</summary>
    /// <value>The default is none.</value>
    public IList<string> RequiredTokens { get; } = [];

    /// <summary>The cookie name (<c>TKTAuthCookieName</c>; plone uses <c>__ac</c>).</summary>
    /// <value>The default is <c>auth_tkt</c>.</value>
    public string CookieName { get; set; } = "auth_tkt";

    /// <summary>The cookie's Domain (<c>TKTAuthDomain</c>), e.g. <c>.example.com</c> to share the login across subdomains.</summary>
    /// <value>The default is <see langword="null"/>: host-only.</value>
    public string? CookieDomain { get; set; }

    /// <summary>The cookie's Path.</summary>
    /// <value>The default is <c>/</c>.</value>
    public string CookiePath { get; set; } = "/";

    /// <summary>Whether the cookie carries Secure (<c>TKTAuthCookieSecure</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Secure { get; set; } = true;

    /// <summary>Whether the cookie carries HttpOnly.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool HttpOnly { get; set; } = true;

    /// <summary>The cookie's SameSite.</summary>
    /// <value>The default is <see cref="SameSiteMode.Lax"/>.</value>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Lax;

    /// <summary>
    /// How long browsers may cache the refresh endpoint's answer (its <c>Cache-Control: max-age</c>), which paces how
    /// often they come back to refresh the ticket.
    /// </summary>
    /// <value>The default is <see langword="null"/>: half the refresh window, <c>Timeout × RefreshFraction / 2</c> (30 minutes by default).</value>
    public TimeSpan? RefreshInterval { get; set; }

    /// <summary>Where to send an unauthenticated browser (with <c>?back=</c> the original URL), as <c>TKTAuthLoginURL</c>.</summary>
    /// <value>The default is <see langword="null"/>: a challenge answers 401.</value>
    public string? LoginPath { get; set; }

    /// <summary>
    /// The sites <c>MapAuthTktLogin</c> may send a user back to (its <c>next</c> parameter): absolute http(s) origins such
    /// as <c>https://wiki.example.com</c> (scheme, host and port; no path), checked at start-up. A <c>next</c> on another
    /// origin goes to <see cref="DefaultNext"/> instead, so the login service is not an open redirect.
    /// </summary>
    /// <value>The default is empty: only local paths and <see cref="DefaultNext"/>.</value>
    public IList<string> AllowedSites { get; } = [];

    /// <summary>Where <c>MapAuthTktLogin</c> sends a user whose <c>next</c> is absent or not allowed: a local path or a URL on one of <see cref="AllowedSites"/>.</summary>
    /// <value>The default is <c>/</c>.</value>
    public string DefaultNext { get; set; } = "/";

    /// <summary>The effective refresh interval.</summary>
    internal TimeSpan EffectiveRefreshInterval =>
        RefreshInterval ?? TimeSpan.FromSeconds(Math.Max(1, Timeout.TotalSeconds * RefreshFraction / 2));

    /// <summary>The ticket settings these options describe.</summary>
    internal TicketOptions ToTicketOptions() => new()
    {
        Scheme = Scheme,
        Secrets = [.. Secrets.Select(s => System.Text.Encoding.UTF8.GetBytes(s))],
        Timeout = Timeout,
        RefreshFraction = RefreshFraction,
        IgnoreIp = IgnoreIp,
        RequiredTokens = [.. RequiredTokens],
        CookieName = CookieName,
    };

    /// <summary>
    /// Every setting that cannot work, each message naming the configuration key and what to write; reported together at
    /// start-up as an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> by the scheme's validator.
    /// </summary>
    internal List<string> Failures()
    {
        var failures = new List<string>();
        if (Secrets.Count == 0)
        {
            failures.Add("AuthTktOptions.Secrets is empty: set the shared auth_tkt secret (Apache's TKTAuthSecret), e.g. AuthTkt:Secrets:0.");
        }

        if (Secrets.Any(s => System.Text.Encoding.UTF8.GetByteCount(s) < TicketOptions.MinimumSecretLength))
        {
            failures.Add($"An auth_tkt secret is shorter than {TicketOptions.MinimumSecretLength} bytes: use a long random secret (the same on Apache).");
        }

        if (Timeout < TimeSpan.Zero || RefreshFraction is < 0 or > 1)
        {
            failures.Add("AuthTktOptions: Timeout must be zero (never) or positive and RefreshFraction between 0 and 1.");
        }

        if (string.IsNullOrEmpty(CookieName) || !CookieHeader.IsCookieValue(CookieName) || CookieName.Contains('=', StringComparison.Ordinal))
        {
            failures.Add("AuthTktOptions.CookieName must be a cookie name such as 'auth_tkt'.");
        }

        // Both are written into the Set-Cookie header as they are: a ';' would add attributes of the writer's choosing.
        if (CookieDomain is { } domain && (domain.Length == 0 || domain.Any(IsForbiddenInAttribute)))
        {
            failures.Add($"AuthTkt:CookieDomain '{Printable(domain)}' must be a host name such as 'example.com' or '.example.com' "
                + "(no ';', ',', spaces or control characters), or be left unset for a host-only cookie.");
        }

        if (string.IsNullOrEmpty(CookiePath) || CookiePath[0] != '/' || CookiePath.Any(IsForbiddenInAttribute))
        {
            failures.Add($"AuthTkt:CookiePath '{Printable(CookiePath ?? string.Empty)}' must start with '/' and contain no ';', ',', spaces or control characters (e.g. '/').");
        }

        for (var i = 0; i < AllowedSites.Count; i++)
        {
            if (Origin(AllowedSites[i], siteEntry: true) is null)
            {
                failures.Add($"AuthTkt:AllowedSites:{i} '{Printable(AllowedSites[i] ?? string.Empty)}' must be an absolute http or https origin such as 'https://wiki.example.com' "
                    + "(scheme, host and optional port; no path, query, fragment or user name).");
            }
        }

        if (ResolveNext(DefaultNext) is null)
        {
            failures.Add($"AuthTkt:DefaultNext '{Printable(DefaultNext ?? string.Empty)}' must be a local path such as '/' or a URL on one of AuthTkt:AllowedSites.");
        }

        if (!Enum.IsDefined(IPv6Policy))
        {
            failures.Add("AuthTkt:IPv6Policy must be IssueUnbound or RefuseSignIn.");
        }

        return failures;
    }

    /// <summary>
    /// <paramref name="next"/> when it may be redirected to: a local path (<c>/x</c>, never <c>//host</c> or <c>/\host</c>)
    /// or an absolute URL whose origin is one of <see cref="AllowedSites"/>; otherwise <see langword="null"/>.
    /// </summary>
    internal string? ResolveNext(string? next)
    {
        if (LocalUrl.IsLocal(next))
        {
            return next;
        }

        return Origin(next, siteEntry: false) is { } origin
            && AllowedSites.Any(site => string.Equals(Origin(site, siteEntry: true), origin, StringComparison.OrdinalIgnoreCase))
            ? next
            : null;
    }

    // The normalized origin (scheme://host[:port], default port dropped) of an absolute http(s) URL without user info
    // or characters a browser would strip; an AllowedSites entry must also carry nothing after the origin.
    private static string? Origin(string? url, bool siteEntry)
    {
        if (string.IsNullOrEmpty(url) || url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '\\')
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.UserInfo.Length > 0 || uri.Host.Length == 0)
        {
            return null;
        }

        if (siteEntry && (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority);
    }

    private static bool IsForbiddenInAttribute(char c) => c is ';' or ',' or ' ' || char.IsControl(c);

    // Control characters shown escaped, so the message itself stays one clean line.
    private static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
