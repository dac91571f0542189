using Microsoft.AspNetCore.Http;

namespace Tessera.AspNetCore;

/// <summary>
/// Tessera's session settings, bound from the <c>"Tessera"</c> configuration section and validated at start-up
/// (the equivalent of Pyramid's <c>session_factory_from_settings</c>).
/// </summary>
public sealed class TesseraOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Tessera";

    /// <summary>
    /// The secrets (<c>Tessera:Secrets</c>), newest first, each hex or base64 of at least 32 random bytes
    /// (<c>tessera secret</c> prints one). The newest seals and signs; every one opens and verifies. All servers
    /// of one fleet share the list.
    /// </summary>
    /// <value>The default is empty, which start-up validation refuses.</value>
    public IList<string> Secrets { get; } = [];

    /// <summary>Where sessions live (<c>Tessera:Mode</c>).</summary>
    /// <value>The default is <see cref="TesseraMode.Server"/>.</value>
    public TesseraMode Mode { get; set; } = TesseraMode.Server;

    /// <summary>The store used in server mode (<c>Tessera:Store</c>), among those registered on <c>AddTessera()</c>'s builder.</summary>
    /// <value>The default is the one store registered (<c>.AddSqliteStore()</c> for the embedded default).</value>
    public TesseraStoreOptions Store { get; } = new();

    /// <summary>The session cookie's name (<c>Tessera:CookieName</c>).</summary>
    /// <value>The default is <c>tessera</c>.</value>
    public string CookieName { get; set; } = "tessera";

    /// <summary>The session cookie's Path attribute (<c>Tessera:CookiePath</c>).</summary>
    /// <value>The default is <c>/</c>.</value>
    public string CookiePath { get; set; } = "/";

    /// <summary>The session cookie's Domain attribute (<c>Tessera:CookieDomain</c>).</summary>
    /// <value>The default is <see langword="null"/>: a host-only cookie.</value>
    public string? CookieDomain { get; set; }

    /// <summary>Whether the cookie carries Secure (<c>Tessera:Secure</c>).</summary>
    /// <value>The default is <see langword="true"/>. Browsers then send it only over HTTPS (and to http://localhost).</value>
    public bool Secure { get; set; } = true;

    /// <summary>Whether the cookie carries HttpOnly (<c>Tessera:HttpOnly</c>).</summary>
    /// <value>The default is <see langword="true"/>: scripts cannot read it.</value>
    public bool HttpOnly { get; set; } = true;

    /// <summary>The cookie's SameSite attribute (<c>Tessera:SameSite</c>: <c>Lax</c>, <c>Strict</c>, <c>None</c>).</summary>
    /// <value>The default is <see cref="SameSiteMode.Lax"/>.</value>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Lax;

    /// <summary>How long an untouched session lives (<c>Tessera:IdleTimeout</c>, e.g. <c>00:20:00</c>).</summary>
    /// <value>The default is 20 minutes. Reading a session counts as activity.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How long a session lives at most, however active (<c>Tessera:AbsoluteLifetime</c>).</summary>
    /// <value>The default is 12 hours.</value>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How old a session's last write may get before a request that only reads it re-issues the cookie (cookie mode)
    /// or refreshes the record's expiry (server mode) (<c>Tessera:ReissueTime</c>). Keeps idle expiry sliding without
    /// a write on every request.
    /// </summary>
    /// <value>The default is 1 minute; must be shorter than <see cref="IdleTimeout"/>.</value>
    public TimeSpan ReissueTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The cookie's Max-Age (<c>Tessera:MaxAge</c>).</summary>
    /// <value>The default is <see langword="null"/>: a browser-session cookie, dropped when the browser closes.</value>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>Whether the session is saved when the endpoint throws (<c>Tessera:SetOnException</c>).</summary>
    /// <value>The default is <see langword="true"/>, as in Pyramid and ASP.NET Core's own session.</value>
    public bool SetOnException { get; set; } = true;

    /// <summary>Server mode: whether a session is bound to the client IP it was created from (a mismatch is treated as no session).</summary>
    /// <value>The default is <see langword="false"/>: mobile networks and proxies change addresses.</value>
    public bool BindToClientIp { get; set; }

    /// <summary>Server mode: how often a save that lost a race with another request is merged and retried before the request gets 409.</summary>
    /// <value>The default is 8.</value>
    public int MaxMergeAttempts { get; set; } = 8;
}
