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

    private LegacyCookieReader(IReadOnlyList<LegacyCookie> cookies, ILogger logger)
    {
        _cookies = cookies;
        _logger = logger;
    }

    /// <summary>The reader for the registered legacy cookies (Tessera.Legacy's <c>AddLegacyCookies</c>), or <see langword="null"/> when there are none.</summary>
    public static LegacyCookieReader? Create(ILegacyCookieSource? source, ILogger logger) =>
        source is { Cookies.Count: > 0 } ? new LegacyCookieReader(source.Cookies, logger) : null;

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

            var result = format.Read(name, value);
            if (!result.IsValid || result.Data is null)
            {
                Log.LegacyCookieRejected(_logger, format.Name, result.Reason.ToString());
                TesseraHttpMetrics.CookiesRejected.Add(1, new KeyValuePair<string, object?>("reason", format.Name + ":" + result.Reason));
                continue;
            }

            foreach (var (key, node) in result.Data)
            {
                session.SetValue(key, node?.DeepClone());
            }

            CookieHeader.Delete(context.Response, name, LegacyCookie);
            Log.LegacyCookieMigrated(_logger, format.Name);
            TesseraHttpMetrics.Migrated.Add(1, new KeyValuePair<string, object?>("format", format.Name));
            return;
        }
    }
}
