using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Tessera.Diagnostics;

/// <summary>
/// The core's instruments on the <c>Tessera</c> meter (docs/telemetry.md lists them). With dependency injection the meter
/// comes from the application's <see cref="IMeterFactory"/> (one instance per factory, so each host and test sees only
/// its own measurements); without it, from one process-wide meter.
/// </summary>
internal sealed class TesseraMetrics
{
    // Buckets for store calls: from 0.1 ms (memory, a Redis round trip on loopback) to 10 s (a stuck database).
    private static readonly double[] StoreBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly ConditionalWeakTable<IMeterFactory, TesseraMetrics> ByFactory = [];
    private static readonly Lazy<TesseraMetrics> WithoutFactory = new(() => new TesseraMetrics(new Meter(TesseraMeter.Options())));

    private TesseraMetrics(Meter meter)
    {
        CookieReads = meter.CreateCounter<long>("tessera.cookie.reads", "{cookie}", "Session cookies presented and read (sealed, Beaker, pyramid_nacl_session), by format and verdict.");
        TicketValidations = meter.CreateCounter<long>("tessera.ticket.validations", "{ticket}", "auth_tkt tickets presented and validated, by scheme and verdict.");
        TicketRefreshes = meter.CreateCounter<long>("tessera.ticket.refreshes", "{ticket}", "Accepted auth_tkt tickets for which a fresh cookie value was produced (refresh due or older secret), by scheme.");
        TicketOldSecretMatches = meter.CreateCounter<long>("tessera.ticket.old_secret_matches", "{ticket}", "Accepted auth_tkt tickets that verified only with an older secret, by scheme.");
        SessionLoads = meter.CreateCounter<long>("tessera.session.loads", "{session}", "Server-side session cookies presented and loaded, by verdict.");
        SessionsCreated = meter.CreateCounter<long>("tessera.session.created", "{session}", "Server-side sessions saved for the first time.");
        SessionConflicts = meter.CreateCounter<long>("tessera.session.conflicts", "{conflict}", "Session saves that lost a race with another request (then merged key by key, or refused).");
        StoreOperationDuration = meter.CreateHistogram(
            "tessera.store.operation.duration",
            "s",
            "Duration of session store calls, by store, operation and outcome.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = StoreBuckets });
    }

    public Counter<long> CookieReads { get; }

    public Counter<long> TicketValidations { get; }

    public Counter<long> TicketRefreshes { get; }

    public Counter<long> TicketOldSecretMatches { get; }

    public Counter<long> SessionLoads { get; }

    public Counter<long> SessionsCreated { get; }

    public Counter<long> SessionConflicts { get; }

    public Histogram<double> StoreOperationDuration { get; }

    /// <summary>The instruments on <paramref name="meterFactory"/>'s <c>Tessera</c> meter, or on the process-wide one when it is null.</summary>
    public static TesseraMetrics For(IMeterFactory? meterFactory) =>
        meterFactory is null
            ? WithoutFactory.Value
            : ByFactory.GetValue(meterFactory, static factory => new TesseraMetrics(factory.Create(TesseraMeter.Options())));
}
