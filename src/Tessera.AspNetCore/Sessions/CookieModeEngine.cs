using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.AspNetCore;

/// <summary>Cookie mode: the session is sealed into the cookie with <see cref="SealedCookieFormat"/>; no store.</summary>
internal sealed class CookieModeEngine : ISessionEngine
{
    private readonly SealedCookieFormat _format;
    private readonly TesseraOptions _options;
    private readonly CookieSettings _cookie;
    private readonly string _cookieAttributes;
    private readonly LegacyCookieReader? _legacy;
    private readonly TimeProvider _time;

    public CookieModeEngine(Keyring keyring, IOptions<TesseraOptions> options, TimeProvider time, ILogger<TesseraSessionMiddleware> logger, LegacyCookieReader? legacy = null)
    {
        _options = options.Value;
        _time = time;
        Logger = logger;
        _legacy = legacy;
        _cookie = new CookieSettings(_options.CookiePath, _options.CookieDomain, _options.Secure, _options.HttpOnly, _options.SameSite);
        _cookieAttributes = CookieHeader.Attributes(_cookie, _options.MaxAge);
        _format = new SealedCookieFormat(
            new SealedCookieOptions
            {
                Keyring = keyring,
                IdleTimeout = _options.IdleTimeout,
                AbsoluteLifetime = _options.AbsoluteLifetime,
                ReissueTime = _options.ReissueTime,
                MaxAge = _options.MaxAge,
                Path = _options.CookiePath,
                Domain = _options.CookieDomain,
                Secure = _options.Secure,
                HttpOnly = _options.HttpOnly,
            },
            time);
    }

    public ILogger Logger { get; }

    public DateTimeOffset Now => _time.GetUtcNow();

    public bool HasCookie(HttpRequest request) =>
        request.Cookies.ContainsKey(_options.CookieName) || (_legacy?.HasCookie(request) ?? false);

    public ValueTask<RequestSession> OpenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var hadCookie = context.Request.Cookies.TryGetValue(_options.CookieName, out var value);
        if (hadCookie)
        {
            var result = _format.Read(_options.CookieName, value, _time.GetUtcNow());
            if (result.IsValid)
            {
                return ValueTask.FromResult<RequestSession>(new CookieRequestSession(this, result.Data, result.Created, hadCookie: true, result.NeedsReissue));
            }

            var reason = result.Reason.ToString();
            Log.CookieRejected(Logger, reason);
            TesseraHttpMetrics.CookiesRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }

        var fresh = new CookieRequestSession(this, null, null, hadCookie, needsReissue: false);
        _legacy?.MigrateInto(context, fresh);
        return ValueTask.FromResult<RequestSession>(fresh);
    }

    public RequestSession CreateNew(HttpContext context) => new CookieRequestSession(this, null, null, hadCookie: false, needsReissue: false);

    /// <summary>Writes the sealed cookie; a <paramref name="persistent"/> sign-in's cookie lives until the session's absolute end.</summary>
    public void WriteCookie(HttpResponse response, CookieSessionPayload payload, bool persistent = false)
    {
        var value = _format.Write(_options.CookieName, payload);
        if (persistent)
        {
            CookieHeader.Append(response, _options.CookieName, value, _cookie, payload.Created + _options.AbsoluteLifetime - _time.GetUtcNow());
        }
        else
        {
            CookieHeader.Append(response, _options.CookieName, value, _cookieAttributes);
        }

        TesseraHttpMetrics.CookiesWritten.Add(1);
    }

    public void DeleteCookie(HttpResponse response)
    {
        CookieHeader.Delete(response, _options.CookieName, _cookie);
        TesseraHttpMetrics.CookiesWritten.Add(1);
    }
}
