using System.Globalization;
using System.Text;

namespace Tessera.Cookies;

/// <summary>
/// Builds a raw <c>Set-Cookie</c> header value with secure defaults (HttpOnly, Secure, SameSite=Lax, Path=/). The value
/// is written as given: ASP.NET Core's cookie API percent-escapes <c>+ / =</c>, which breaks Beaker's signature, so
/// session cookies are written through this instead.
/// </summary>
internal sealed class SetCookieHeader
{
    /// <summary>Creates a header for <paramref name="name"/>=<paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">The name is not an RFC 6265 token, or the value holds a character outside cookie-octets.</exception>
    public SetCookieHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid cookie name (RFC 6265 token).", nameof(name));
        }

        foreach (var c in value)
        {
            if (!IsCookieOctet(c))
            {
                throw new ArgumentException("The cookie value holds a character outside RFC 6265 cookie-octets (space, quote, comma, semicolon, backslash or non-ASCII); encode it first.", nameof(value));
            }
        }

        Name = name;
        Value = value;
    }

    /// <summary>The cookie's name.</summary>
    public string Name { get; }

    /// <summary>The cookie's value, unescaped.</summary>
    public string Value { get; }

    /// <summary>The Path attribute.</summary>
    /// <value>The default is <c>/</c>. Null omits it.</value>
    public string? Path { get; init; } = "/";

    /// <summary>The Domain attribute.</summary>
    /// <value>The default is null (host-only cookie).</value>
    public string? Domain { get; init; }

    /// <summary>Max-Age (and a matching Expires for old browsers, computed from <see cref="IssuedAt"/>).</summary>
    /// <value>The default is null: a browser-session cookie.</value>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>The time Expires is computed from when <see cref="MaxAge"/> is set.</summary>
    /// <value>The default is null: Max-Age alone (every current browser honours it); callers that want Expires too set it from their TimeProvider.</value>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>The Secure attribute.</summary>
    /// <value>The default is true.</value>
    public bool Secure { get; init; } = true;

    /// <summary>The HttpOnly attribute.</summary>
    /// <value>The default is true.</value>
    public bool HttpOnly { get; init; } = true;

    /// <summary>The SameSite attribute.</summary>
    /// <value>The default is <see cref="CookieSameSite.Lax"/>.</value>
    public CookieSameSite SameSite { get; init; } = CookieSameSite.Lax;

    /// <summary>The length of <c>name=value</c> in bytes (ASCII): what browsers hold against their 4096-byte limit.</summary>
    public int NameValueLength => Name.Length + 1 + Value.Length;

    /// <summary>A header that deletes <paramref name="name"/> with the same Path and Domain as <paramref name="template"/>.</summary>
    public static SetCookieHeader Delete(string name, SetCookieHeader template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template.With(name, string.Empty, TimeSpan.Zero);
    }

    /// <summary>A copy with another name, value and max age, keeping the other attributes.</summary>
    public SetCookieHeader With(string name, string value, TimeSpan? maxAge) =>
        new(name, value)
        {
            Path = Path,
            Domain = Domain,
            MaxAge = maxAge,
            IssuedAt = maxAge == TimeSpan.Zero ? null : IssuedAt,
            Secure = Secure,
            HttpOnly = HttpOnly,
            SameSite = SameSite,
        };

    /// <summary>The header value: <c>name=value; Max-Age=…; Expires=…; Domain=…; Path=…; Secure; HttpOnly; SameSite=…</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Name.Length + Value.Length + 96);
        sb.Append(Name).Append('=').Append(Value);
        AppendAttributes(sb);
        return sb.ToString();
    }

    /// <summary>
    /// The attribute part of <see cref="ToString"/> (<c>; Path=/; Secure…</c>), for callers that build it once and append it
    /// to many <c>name=value</c> pairs: the same text, so there is still one writer.
    /// </summary>
    public string Attributes()
    {
        var sb = new StringBuilder(96);
        AppendAttributes(sb);
        return sb.ToString();
    }

    private void AppendAttributes(StringBuilder sb)
    {
        if (MaxAge is { } maxAge)
        {
            var seconds = Math.Max(0, (long)maxAge.TotalSeconds);
            sb.Append("; Max-Age=").Append(seconds.ToString(CultureInfo.InvariantCulture));
            // A deletion always carries the epoch, so browsers that predate Max-Age drop the cookie too.
            DateTimeOffset? expires = seconds == 0 ? DateTimeOffset.UnixEpoch : IssuedAt?.AddSeconds(seconds);
            if (expires is { } at)
            {
                sb.Append("; Expires=").Append(at.UtcDateTime.ToString("r", CultureInfo.InvariantCulture));
            }
        }

        if (Domain is not null)
        {
            sb.Append("; Domain=").Append(Domain);
        }

        if (Path is not null)
        {
            sb.Append("; Path=").Append(Path);
        }

        if (Secure)
        {
            sb.Append("; Secure");
        }

        if (HttpOnly)
        {
            sb.Append("; HttpOnly");
        }

        if (SameSite != CookieSameSite.Unspecified)
        {
            sb.Append("; SameSite=").Append(SameSite.ToString());
        }
    }

    /// <summary>Whether <paramref name="name"/> is a non-empty RFC 6265 token, as a cookie name must be.</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && !name.Any(c => c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal));

    private static bool IsCookieOctet(char c) => c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}
