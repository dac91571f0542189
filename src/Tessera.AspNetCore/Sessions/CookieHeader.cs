using Microsoft.AspNetCore.Http;
using Tessera.Cookies;
using HeaderNames = Microsoft.Net.Http.Headers.HeaderNames;

namespace Tessera.AspNetCore;

/// <summary>
/// Puts Tessera's cookies on a response. The header text comes from the core's one writer, <see cref="SetCookieHeader"/>
/// (values verbatim: <c>Response.Cookies.Append</c> percent-escapes values, which would turn a base64 ticket's
/// <c>+/=</c> into <c>%2B%2F%3D</c> that Apache's mod_auth_tkt cannot decode); ASP.NET's <see cref="SameSiteMode"/> is
/// mapped onto it here and nowhere else. Every response that sets or clears a session or ticket cookie is marked never
/// cacheable here, in one place.
/// </summary>
internal static class CookieHeader
{
    public static void Append(HttpResponse response, string name, string value, CookieSettings settings, TimeSpan? maxAge) =>
        Append(response, settings.ToHeader(name, value, maxAge).ToString());

    public static void Delete(HttpResponse response, string name, CookieSettings settings) =>
        Append(response, SetCookieHeader.Delete(name, settings.ToHeader(name, string.Empty, maxAge: null)).ToString());

    /// <summary>Appends one complete Set-Cookie header value (from <see cref="SetCookieHeader"/>).</summary>
    public static void Append(HttpResponse response, string setCookie)
    {
        response.Headers.Append(HeaderNames.SetCookie, setCookie);
        DisableCaching(response);
    }

    /// <summary>
    /// Marks the response never cacheable (as ASP.NET's session does): a shared cache must not hand one user's cookie
    /// to another, nor a browser replay a stale Set-Cookie.
    /// </summary>
    public static void DisableCaching(HttpResponse response)
    {
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.Pragma = "no-cache";
    }

    /// <summary>Whether <paramref name="value"/> holds only RFC 6265 cookie-octets (so it needs no quoting or escaping).</summary>
    public static bool IsCookieValue(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x21 || c > 0x7E || c is '"' or ',' or ';' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The one mapping of ASP.NET's SameSite enum onto the core writer's.</summary>
    public static CookieSameSite Map(SameSiteMode mode) => mode switch
    {
        SameSiteMode.Lax => CookieSameSite.Lax,
        SameSiteMode.Strict => CookieSameSite.Strict,
        SameSiteMode.None => CookieSameSite.None,
        _ => CookieSameSite.Unspecified,
    };
}

/// <summary>The attributes of a cookie Tessera writes.</summary>
internal sealed record CookieSettings(string Path, string? Domain, bool Secure, bool HttpOnly, SameSiteMode SameSite)
{
    /// <summary>The core writer's header for <paramref name="name"/>=<paramref name="value"/> with these attributes.</summary>
    public SetCookieHeader ToHeader(string name, string value, TimeSpan? maxAge, DateTimeOffset? issuedAt = null) =>
        new(name, value)
        {
            Path = Path,
            Domain = Domain,
            MaxAge = maxAge,
            IssuedAt = issuedAt,
            Secure = Secure,
            HttpOnly = HttpOnly,
            SameSite = CookieHeader.Map(SameSite),
        };
}
