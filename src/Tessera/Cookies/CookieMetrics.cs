using System.Diagnostics.Metrics;

namespace Tessera.Cookies;

/// <summary>Counters of cookie-session verdicts on the <c>Tessera</c> meter: <c>tessera.cookies.read{format, reason}</c>.</summary>
internal static class CookieMetrics
{
    private static readonly Meter Meter = new("Tessera");
    private static readonly Counter<long> Reads = Meter.CreateCounter<long>("tessera.cookies.read", description: "Cookie sessions read, by format and verdict (reason 'none' = accepted).");

    public static CookieReadResult Record(CookieReadResult result)
    {
        if (Reads.Enabled)
        {
            Reads.Add(1, new KeyValuePair<string, object?>("format", result.FormatName), new KeyValuePair<string, object?>("reason", result.Reason.ToString()));
        }

        return result;
    }
}
