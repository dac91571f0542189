using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.AspNetCore;

/// <summary>
/// Cookie mode: the session is sealed into the cookie with <see cref="SealedCookieFormat"/>; no store. A session over
/// one cookie is split into chunks (<c>name=chunks-N</c>, <c>nameC1</c>…, as ASP.NET's chunking cookie manager does),
/// at most <see cref="TesseraOptions.MaxCookieChunks"/>; a value that would need more is refused when it is set.
/// Opens and creates request sessions and gives each the shared <see cref="CookieSessionServices"/>, never itself.
/// </summary>
internal sealed class CookieModeEngine : ISessionEngine
{
    private readonly CookieSessionServices _services;
    private readonly LegacyCookieReader? _legacy;

    public CookieModeEngine(Keyring keyring, IOptions<TesseraOptions> options, TimeProvider time, ILogger<TesseraSessionMiddleware> logger, TesseraHttpMetrics metrics, IMeterFactory meterFactory, LegacyCookieReader? legacy = null, AuthTktCutoffs? cutoffs = null)
    {
        _services = new CookieSessionServices(keyring, options.Value, time, logger, metrics, meterFactory, cutoffs);
        _legacy = legacy;
    }

    /// <summary>The services every request session of this engine shares; for tests.</summary>
    internal CookieSessionServices Services => _services;

    public bool HasCookie(HttpRequest request) =>
        request.Cookies.ContainsKey(_services.Cookie.Name) || (_legacy?.HasCookie(request) ?? false);

    /// <summary>
    /// Finds the cookie but opens nothing: a value the cache knows (opened or sealed here recently) is judged now at the
    /// cost of a lookup, and its session stays deferred while unused (no re-issue due); any other value is opened by the
    /// session on first use, or at commit (see <see cref="CookieRequestSession"/>).
    /// </summary>
    public ValueTask<RequestSession> OpenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var cookies = context.Request.Cookies;
        var hadCookie = cookies.ContainsKey(_services.Cookie.Name);
        if (hadCookie && _services.ReadValue(cookies) is { } value)
        {
            switch (_services.TryReadCached(value))
            {
                case null:
                    return ValueTask.FromResult<RequestSession>(new CookieRequestSession(_services, value, context, _legacy));
                case { IsValid: true } result:
                    return ValueTask.FromResult<RequestSession>(new CookieRequestSession(_services, result));
            }
        }

        var fresh = new CookieRequestSession(_services, hadCookie);
        _legacy?.MigrateInto(context, fresh);
        return ValueTask.FromResult<RequestSession>(fresh);
    }

    public RequestSession CreateNew(HttpContext context) => new CookieRequestSession(_services, hadCookie: false);
}
