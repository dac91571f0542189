using System.Diagnostics.Metrics;
using Tessera.Diagnostics;

namespace Tessera.Sessions;

/// <summary>Counters of the session manager on the <c>Tessera</c> meter.</summary>
internal static class SessionMetrics
{
    public static Counter<long> Created { get; } = TesseraMeter.Meter.CreateCounter<long>("tessera.sessions.created", description: "Sessions saved for the first time.");

    public static Counter<long> Rejected { get; } = TesseraMeter.Meter.CreateCounter<long>("tessera.sessions.rejected", description: "Presented session cookies that did not open, by reason.");

    public static Counter<long> Conflicts { get; } = TesseraMeter.Meter.CreateCounter<long>("tessera.store.conflicts", description: "Saves that lost a race and were merged.");
}
