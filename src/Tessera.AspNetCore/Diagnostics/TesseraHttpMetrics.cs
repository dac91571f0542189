using System.Diagnostics.Metrics;

namespace Tessera.AspNetCore;

/// <summary>Instruments of the ASP.NET Core integration, on the shared <c>Tessera</c> meter.</summary>
internal static class TesseraHttpMetrics
{
    public static readonly Meter Meter = new("Tessera");

    public static readonly Counter<long> CookiesRejected =
        Meter.CreateCounter<long>("tessera.http.session_cookies.rejected", description: "Session cookies not accepted, by reason.");

    public static readonly Counter<long> Migrated =
        Meter.CreateCounter<long>("tessera.http.sessions.migrated", description: "Legacy session cookies re-issued in Tessera's format, by format.");

    public static readonly Counter<long> StoreFailures =
        Meter.CreateCounter<long>("tessera.http.store_failures", description: "Requests answered with 503 because the session store failed.");

    public static readonly Counter<long> SessionsTooLarge =
        Meter.CreateCounter<long>("tessera.http.sessions.too_large", unit: "{session}", description: "Session changes refused because the session would exceed its size limit, by mode.");

    public static readonly Counter<long> CookiesWritten =
        Meter.CreateCounter<long>("tessera.http.session_cookies.written", description: "Session cookies set or cleared.");

    public static readonly Counter<long> TicketsRejected =
        Meter.CreateCounter<long>("tessera.http.authtkt.rejected", description: "auth_tkt tickets not accepted, by reason.");

    public static readonly Counter<long> TicketsIssued =
        Meter.CreateCounter<long>("tessera.http.authtkt.issued", description: "auth_tkt tickets issued or refreshed, by kind.");

    public static readonly Counter<long> SweptSessions =
        Meter.CreateCounter<long>("tessera.sweeper.sessions.swept", unit: "{session}", description: "Expired sessions deleted by the background sweeper, by store.");

    public static readonly Histogram<double> SweepDuration =
        Meter.CreateHistogram<double>("tessera.sweeper.duration", unit: "s", description: "Duration of one background sweep, by store and outcome.");
}
