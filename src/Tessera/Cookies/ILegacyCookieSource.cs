namespace Tessera.Cookies;

/// <summary>
/// The legacy cookies to migrate from, in the order they are tried. A package that implements legacy formats
/// (Tessera.Legacy) registers one; without it the ASP.NET Core integration migrates nothing.
/// </summary>
public interface ILegacyCookieSource
{
    /// <summary>The configured legacy cookies; empty when none is configured.</summary>
    IReadOnlyList<LegacyCookie> Cookies { get; }
}
