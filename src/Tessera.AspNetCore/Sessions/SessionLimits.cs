using Microsoft.Extensions.Logging;

namespace Tessera.AspNetCore;

/// <summary>The one place a refused oversized session is logged and counted (sizes only: no id, no values).</summary>
internal static class SessionLimits
{
    public static void Refused(ILogger logger, TesseraHttpMetrics metrics, string mode, int size, int limit, string option)
    {
        Log.SessionTooLarge(logger, mode, size, limit, option);
        metrics.SessionsTooLarge.Add(1, new KeyValuePair<string, object?>("tessera.session.mode", mode));
    }
}
