using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;

namespace Tessera.Cookies;

/// <summary>Counters of cookie-session verdicts on the <c>Tessera</c> meter: <c>tessera.cookies.read{format, reason}</c>.</summary>
internal static class CookieMetrics
{
    private static readonly Counter<long> Reads = TesseraMeter.Meter.CreateCounter<long>("tessera.cookies.read", description: "Cookie sessions read, by format and verdict (reason 'none' = accepted).");

    public static CookieReadResult Record(ILogger logger, CookieReadResult result)
    {
        if (!result.IsValid && result.Reason != CookieRejection.Absent)
        {
            CookieLog.Rejected(logger, result.FormatName, result.Reason);
        }

        if (Reads.Enabled)
        {
            Reads.Add(1, new KeyValuePair<string, object?>("format", result.FormatName), new KeyValuePair<string, object?>("reason", result.Reason.ToString()));
        }

        return result;
    }
}
