namespace Tessera.AspNetCore;

/// <summary>Where a session's data lives.</summary>
public enum TesseraMode
{
    /// <summary>In a server-side store; the cookie carries only a random handle (the default).</summary>
    Server,

    /// <summary>Sealed (encrypted and authenticated) into the cookie itself; no store.</summary>
    Cookie,
}
