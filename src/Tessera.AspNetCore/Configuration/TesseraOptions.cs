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

    /// <summary>The name <see cref="Cookie"/> gets when its <c>Name</c> is not set and the <c>__Host-</c> prefix's rules do not allow it.</summary>
    public const string DefaultCookieName = "tessera";

    /// <summary>The name <see cref="Cookie"/> gets when its <c>Name</c> is not set and the <c>__Host-</c> prefix's rules allow it.</summary>
    public const string DefaultHostCookieName = "__Host-tessera";

    /// <summary>
    /// The session cookie's attributes (<c>Tessera:Cookie:Name</c>, <c>:Path</c>, <c>:Domain</c>, <c>:SecurePolicy</c>,
    /// <c>:HttpOnly</c>, <c>:SameSite</c>, <c>:MaxAge</c>), in ASP.NET Core's own <see cref="CookieBuilder"/>.
    /// </summary>
    /// <value>
    /// The defaults are secure: <c>SecurePolicy = Always</c>, <c>HttpOnly</c>, <c>SameSite = Lax</c>, <c>Path = /</c>, no
    /// Domain, no MaxAge (a browser-session cookie). An unset Name becomes <see cref="DefaultHostCookieName"/> while the
    /// <c>__Host-</c> rules hold (SecurePolicy Always, Path <c>/</c>, no Domain) and <see cref="DefaultCookieName"/> otherwise.
    /// <c>Expiration</c> is refused: use <c>MaxAge</c>.
    /// </value>
    public CookieBuilder Cookie { get; } = new()
    {
        Path = "/",
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        SecurePolicy = CookieSecurePolicy.Always,
        IsEssential = true,
    };

    /// <summary>
    /// Cookie mode: how many cookies of about 4 KB one session may be split into (<c>Tessera:MaxCookieChunks</c>, 1 to
    /// 16). A session that would need more is refused when the value is set (<see cref="SessionTooLargeException"/>,
    /// answered 413). Every chunk travels on every request: Kestrel refuses request headers over 32 KB and nginx by
    /// default a header line over 8 KB (<c>large_client_header_buffers</c>).
    /// </summary>
    /// <value>The default is 4 (a session cookie of about 16 KB).</value>
    public int MaxCookieChunks { get; set; } = 4;

    /// <summary>
    /// Cookie mode: how many recently seen session cookies to keep opened in memory (<c>Tessera:CookieCacheSize</c>,
    /// 0 to 1000000; 0 turns the cache off). A cookie seen again then costs a lookup instead of an HMAC, an AES-GCM
    /// decryption and a JSON parse; its times are judged again on every request, and only cookies that opened (or that
    /// this server sealed) are kept, so the cache never accepts a cookie the format would refuse. The decrypted session
    /// data of those cookies stays in server memory meanwhile, at most 4 KiB per entry in all (see docs/cookies.md).
    /// </summary>
    /// <value>The default is 4096 (at most 16 MiB; about 8 MiB for sessions of a few hundred bytes).</value>
    public int CookieCacheSize { get; set; } = 4096;

    /// <summary>
    /// Server mode: the largest session, in bytes of its JSON (<c>Tessera:MaxSessionSize</c>). A value that would make
    /// the session larger is refused when it is set (<see cref="SessionTooLargeException"/>, answered 413): nothing is
    /// stored and the session stays as it was. In cookie mode the limit is what fits in <see cref="MaxCookieChunks"/>.
    /// </summary>
    /// <value>The default is 1 MiB (1048576).</value>
    public int MaxSessionSize { get; set; } = 1024 * 1024;

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
