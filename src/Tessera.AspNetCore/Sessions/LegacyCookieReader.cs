using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Cookies;

namespace Tessera.AspNetCore;

/// <summary>
/// Reads the registered legacy cookies (<see cref="ILegacyCookieSource"/>: Beaker, pyramid_nacl_session) once: their
/// values move into a new Tessera session, which the response issues in Tessera's format, and the legacy cookie is
/// cleared.
/// </summary>
internal sealed class LegacyCookieReader
{
    private static readonly CookieSettings LegacyCookie = new("/", null, Secure: false, HttpOnly: false, SameSiteMode.Unspecified);

    private readonly IReadOnlyList<LegacyCookie> _cookies;
    private readonly ILogger _logger;
    private readonly TesseraHttpMetrics _metrics;

    private LegacyCookieReader(IReadOnlyList<LegacyCookie> cookies, ILogger logger, TesseraHttpMetrics metrics)
    {
        _cookies = cookies;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>The reader for the registered legacy cookies (Tessera.Legacy's <c>AddLegacyCookies</c>), or <see langword="null"/> when there are none.</summary>
    public static LegacyCookieReader? Create(ILegacyCookieSource? source, ILogger logger, TesseraHttpMetrics metrics) =>
        source is { Cookies.Count: > 0 } ? new LegacyCookieReader(source.Cookies, logger, metrics) : null;

    public bool HasCookie(HttpRequest request)
    {
        foreach (var cookie in _cookies)
        {
            if (request.Cookies.ContainsKey(cookie.CookieName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Copies the first valid legacy cookie's values into <paramref name="session"/> and clears that cookie.</summary>
    public void MigrateInto(HttpContext context, RequestSession session)
    {
        foreach (var cookie in _cookies)
        {
            var (name, format) = (cookie.CookieName, cookie.Format);
            if (!context.Request.Cookies.TryGetValue(name, out var value))
            {
                continue;
            }

            // The format logs and counts its verdict (tessera.cookie.reads); a rejected cookie is left for the next one.
            var result = format.Read(name, value);
            if (!result.IsValid || result.Data is null)
            {
                continue;
            }

            foreach (var (key, node) in result.Data)
            {
                session.SetValue(key, node?.DeepClone());
            }

            CookieHeader.Delete(context.Response, name, LegacyCookie);
            Log.LegacyCookieMigrated(_logger, format.Name);
            _metrics.Migrations.Add(1, new KeyValuePair<string, object?>("tessera.cookie.format", format.Name));
            return;
        }
    }
}
