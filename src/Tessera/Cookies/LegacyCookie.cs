namespace Tessera.Cookies;

/// <summary>
/// A cookie in another session format (Beaker, pyramid_nacl_session) that a Tessera site reads once and re-issues in
/// its own format. Registered by the Tessera.Legacy package (<c>AddLegacyCookies</c>), read by Tessera.AspNetCore.
/// </summary>
public sealed class LegacyCookie
{
    /// <summary>Creates the entry.</summary>
    /// <exception cref="ArgumentException">The cookie name is empty.</exception>
    public LegacyCookie(string cookieName, ICookieSessionFormat format)
    {
        ArgumentException.ThrowIfNullOrEmpty(cookieName);
        ArgumentNullException.ThrowIfNull(format);
        CookieName = cookieName;
        Format = format;
    }

    /// <summary>The legacy site's cookie name, e.g. <c>beaker.session.id</c>.</summary>
    public string CookieName { get; }

    /// <summary>The format that reads it.</summary>
    public ICookieSessionFormat Format { get; }
}
