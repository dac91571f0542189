using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using HeaderNames = Microsoft.Net.Http.Headers.HeaderNames;

namespace Tessera.AspNetCore;

/// <summary>
/// Writes Set-Cookie headers verbatim. <c>Response.Cookies.Append</c> percent-escapes values, which would turn a
/// base64 ticket's <c>+/=</c> into <c>%2B%2F%3D</c> that Apache's mod_auth_tkt cannot decode. Every response that sets
/// or clears a session or ticket cookie is marked never cacheable here, in one place.
/// </summary>
internal static class CookieHeader
{
    public static void Append(HttpResponse response, string name, string value, CookieSettings settings, TimeSpan? maxAge)
    {
        var sb = new StringBuilder(name.Length + value.Length + 96);
        sb.Append(name).Append('=').Append(value);
        AppendAttributes(sb, settings, maxAge);
        response.Headers.Append(HeaderNames.SetCookie, sb.ToString());
        DisableCaching(response);
    }

    /// <summary>The attribute part (<c>; max-age=...; path=...</c>) of a Set-Cookie header, for engines that build it once.</summary>
    public static string Attributes(CookieSettings settings, TimeSpan? maxAge)
    {
        var sb = new StringBuilder(96);
        AppendAttributes(sb, settings, maxAge);
        return sb.ToString();
    }

    /// <summary>Appends <c>name=value</c> plus attributes from <see cref="Attributes"/>: one string concatenation per response.</summary>
    public static void Append(HttpResponse response, string name, string value, string attributes)
    {
        response.Headers.Append(HeaderNames.SetCookie, string.Concat(name, "=", value, attributes));
        DisableCaching(response);
    }

    public static void Delete(HttpResponse response, string name, CookieSettings settings)
    {
        var sb = new StringBuilder(name.Length + 120);
        sb.Append(name).Append("=; expires=Thu, 01 Jan 1970 00:00:00 GMT");
        AppendAttributes(sb, settings, TimeSpan.Zero);
        response.Headers.Append(HeaderNames.SetCookie, sb.ToString());
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

    private static void AppendAttributes(StringBuilder sb, CookieSettings settings, TimeSpan? maxAge)
    {
        if (maxAge is { } age)
        {
            sb.Append("; max-age=").Append(((long)Math.Max(0, age.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        if (settings.Domain is { } domain)
        {
            sb.Append("; domain=").Append(domain);
        }

        sb.Append("; path=").Append(settings.Path);
        if (settings.Secure)
        {
            sb.Append("; secure");
        }

        switch (settings.SameSite)
        {
            case SameSiteMode.Lax:
                sb.Append("; samesite=lax");
                break;
            case SameSiteMode.Strict:
                sb.Append("; samesite=strict");
                break;
            case SameSiteMode.None:
                sb.Append("; samesite=none");
                break;
        }

        if (settings.HttpOnly)
        {
            sb.Append("; httponly");
        }
    }
}

/// <summary>The attributes of a cookie Tessera writes.</summary>
internal sealed record CookieSettings(string Path, string? Domain, bool Secure, bool HttpOnly, SameSiteMode SameSite);
