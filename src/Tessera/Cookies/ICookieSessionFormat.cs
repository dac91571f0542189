namespace Tessera.Cookies;

/// <summary>A cookie-session wire format: Tessera's sealed format, Beaker's or pyramid_nacl_session's.</summary>
public interface ICookieSessionFormat
{
    /// <summary>The format's name as the CLI and the logs spell it: <c>tessera</c>, <c>beaker</c>, <c>pyramid-nacl</c>.</summary>
    string Name { get; }

    /// <summary>Reads a cookie value at the injected clock's "now". Never throws on client input.</summary>
    /// <param name="cookieName">The cookie's name (bound into Tessera's format; ignored by the peers' formats).</param>
    /// <param name="value">The raw cookie value, or null when the request had none.</param>
    CookieReadResult Read(string cookieName, string? value);

    /// <summary>Reads a cookie value at an explicit time (vectors, the CLI).</summary>
    CookieReadResult Read(string cookieName, string? value, DateTimeOffset now);

    /// <summary>Seals <paramref name="payload"/> into a cookie value (the value only, unescaped).</summary>
    /// <exception cref="CookieTooLargeException">The value would exceed the format's or the browser's limit.</exception>
    string Write(string cookieName, CookieSessionPayload payload);
}
