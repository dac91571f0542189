using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;

namespace Tessera.Cookies;

/// <summary>
/// The one place a cookie-session verdict is logged and counted (<c>tessera.cookie.reads</c>), for every format;
/// the ASP.NET Core layer neither logs nor counts it again. An absent cookie is not a verdict and is not counted.
/// </summary>
internal static class CookieMetrics
{
    public static CookieReadResult Record(TesseraMetrics metrics, ILogger logger, CookieReadResult result)
    {
        if (result.Reason == CookieRejection.Absent)
        {
            return result;
        }

        if (!result.IsValid)
        {
            CookieLog.Rejected(logger, result.FormatName, result.Reason);
        }

        if (metrics.CookieReads.Enabled)
        {
            metrics.CookieReads.Add(
                1,
                new KeyValuePair<string, object?>("tessera.cookie.format", result.FormatName),
                new KeyValuePair<string, object?>("tessera.cookie.verdict", result.IsValid ? "accepted" : EnumTag<CookieRejection>.Of(result.Reason)));
        }

        return result;
    }
}
