using System.Diagnostics.Metrics;

namespace Tessera.AspNetCore;

/// <summary>
/// Instruments of the ASP.NET Core integration, on the application's <c>Tessera</c> meter (the same meter the core's
/// instruments use: <see cref="IMeterFactory"/> returns one meter per name and version). Verdicts on cookies and tickets
/// are counted by the core only. docs/telemetry.md lists every instrument.
/// </summary>
internal sealed class TesseraHttpMetrics
{
    private static readonly KeyValuePair<string, object?> Set = new("tessera.cookie.action", "set");
    private static readonly KeyValuePair<string, object?> Clear = new("tessera.cookie.action", "clear");

    public TesseraHttpMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(new MeterOptions("Tessera") { Version = typeof(TesseraHttpMetrics).Assembly.GetName().Version?.ToString() });
        CookieWrites = meter.CreateCounter<long>("tessera.session.cookie.writes", "{cookie}", "Session cookies set or cleared on responses, by action.");
        Migrations = meter.CreateCounter<long>("tessera.session.migrations", "{session}", "Legacy session cookies (Beaker, pyramid_nacl_session) moved into a Tessera session, by format.");
        StoreFailures = meter.CreateCounter<long>("tessera.session.store_failures", "{request}", "Requests answered with 503 because the session store failed, by store.");
        SessionsTooLarge = meter.CreateCounter<long>("tessera.session.too_large", "{session}", "Session changes refused because the session would exceed its size limit, by mode (tessera.session.mode: server, cookie).");
        TicketsIssued = meter.CreateCounter<long>("tessera.ticket.issued", "{ticket}", "auth_tkt tickets issued at sign-in (refreshes are tessera.ticket.refreshes).");
        TicketsEnded = meter.CreateCounter<long>("tessera.ticket.ended", "{ticket}", "Valid auth_tkt tickets refused because the user signed out, was revoked or changed password after they were issued.");
        SweptSessions = meter.CreateCounter<long>("tessera.sweeper.swept", "{session}", "Expired sessions deleted by the background sweeper, by store.");
    }

    public Counter<long> CookieWrites { get; }

    public Counter<long> Migrations { get; }

    public Counter<long> StoreFailures { get; }

    public Counter<long> SessionsTooLarge { get; }

    public Counter<long> TicketsIssued { get; }

    public Counter<long> TicketsEnded { get; }

    public Counter<long> SweptSessions { get; }

    public void CookieSet() => CookieWrites.Add(1, Set);

    public void CookieCleared() => CookieWrites.Add(1, Clear);
}
