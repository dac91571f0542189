namespace Tessera.Cookies;

/// <summary>The SameSite attribute of a Set-Cookie header (<see cref="SetCookieHeader"/>).</summary>
internal enum CookieSameSite
{
    /// <summary>No SameSite attribute (the browser's default applies).</summary>
    Unspecified = 0,

    /// <summary><c>SameSite=Lax</c>: sent on top-level navigations from other sites. The default.</summary>
    Lax,

    /// <summary><c>SameSite=Strict</c>: never sent on cross-site requests.</summary>
    Strict,

    /// <summary><c>SameSite=None</c>: sent cross-site; browsers require Secure with it.</summary>
    None,
}
