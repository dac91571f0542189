using Microsoft.AspNetCore.Http;
using Tessera.Cookies;

namespace Tessera.AspNetCore;

/// <summary>
/// The session cookie of either mode, resolved once from <see cref="TesseraOptions.Cookie"/>: its name (the
/// <c>__Host-</c> default where the prefix's rules allow it) and its attributes per request (Secure follows
/// <see cref="CookieSecurePolicy"/>). Headers come from the core writer through <see cref="CookieHeader"/>.
/// </summary>
internal sealed class SessionCookie
{
    private readonly CookieSettings _secure;
    private readonly CookieSettings _insecure;
    private readonly CookieSecurePolicy _policy;
    private readonly TimeSpan? _maxAge;
    private readonly TimeProvider _time;

    // Without Max-Age the attributes never change: built once, appended to each value.
    private readonly string? _secureAttributes;
    private readonly string? _insecureAttributes;

    public SessionCookie(CookieBuilder cookie, TimeProvider time)
    {
        _time = time;
        _policy = cookie.SecurePolicy;
        _maxAge = cookie.MaxAge;
        Name = NameOf(cookie);
        var path = string.IsNullOrEmpty(cookie.Path) ? "/" : cookie.Path;
        var domain = string.IsNullOrEmpty(cookie.Domain) ? null : cookie.Domain;
        _secure = new CookieSettings(path, domain, Secure: true, cookie.HttpOnly, cookie.SameSite);
        _insecure = _secure with { Secure = false };
        if (_maxAge is null)
        {
            _secureAttributes = _secure.ToHeader(Name, string.Empty, null).Attributes();
            _insecureAttributes = _insecure.ToHeader(Name, string.Empty, null).Attributes();
        }
    }

    public string Name { get; }

    /// <summary>The configured name, or the default: <c>__Host-tessera</c> where the prefix's rules allow it, else <c>tessera</c>.</summary>
    public static string NameOf(CookieBuilder cookie) =>
        !string.IsNullOrEmpty(cookie.Name) ? cookie.Name
        : AllowsHostPrefix(cookie) ? TesseraOptions.DefaultHostCookieName
        : TesseraOptions.DefaultCookieName;

    /// <summary>The <c>__Host-</c> prefix's rules: always Secure, Path <c>/</c>, no Domain.</summary>
    public static bool AllowsHostPrefix(CookieBuilder cookie) =>
        cookie.SecurePolicy == CookieSecurePolicy.Always && (string.IsNullOrEmpty(cookie.Path) || cookie.Path == "/") && string.IsNullOrEmpty(cookie.Domain);

    /// <summary>
    /// The header for <paramref name="value"/> as it would be sent in answer to <paramref name="request"/>;
    /// <paramref name="maxAge"/> (a persistent sign-in) replaces the configured Max-Age.
    /// </summary>
    public SetCookieHeader Header(HttpRequest request, string value, TimeSpan? maxAge = null)
    {
        var age = maxAge ?? _maxAge;
        return SettingsFor(request).ToHeader(Name, value, age, age is null ? null : _time.GetUtcNow());
    }

    /// <summary>The longest header template any request gets (Secure on), for size limits.</summary>
    public SetCookieHeader LongestHeader(string value) => _secure.ToHeader(Name, value, _maxAge, _maxAge is null ? null : _time.GetUtcNow());

    public void Append(HttpResponse response, string value, TimeSpan? maxAge = null)
    {
        var request = response.HttpContext.Request;
        if (maxAge is not null)
        {
            CookieHeader.Append(response, Header(request, value, maxAge).ToString());
            return;
        }

        var attributes = IsSecure(request) ? _secureAttributes : _insecureAttributes;
        CookieHeader.Append(response, attributes is null ? Header(request, value).ToString() : string.Concat(Name, "=", value, attributes));
    }

    public void Delete(HttpResponse response) =>
        CookieHeader.Append(response, SetCookieHeader.Delete(Name, Header(response.HttpContext.Request, string.Empty)).ToString());

    private CookieSettings SettingsFor(HttpRequest request) => IsSecure(request) ? _secure : _insecure;

    private bool IsSecure(HttpRequest request) => _policy switch
    {
        CookieSecurePolicy.Always => true,
        CookieSecurePolicy.None => false,
        _ => request.IsHttps,
    };
}
