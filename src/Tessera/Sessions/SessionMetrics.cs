using System.Diagnostics.Metrics;

namespace Tessera.Sessions;

/// <summary>Counters of the session manager on the <c>Tessera</c> meter.</summary>
internal static class SessionMetrics
{
    private static readonly Meter Meter = new("Tessera");

    public static Counter<long> Created { get; } = Meter.CreateCounter<long>("tessera.sessions.created", description: "Sessions saved for the first time.");

    public static Counter<long> Rejected { get; } = Meter.CreateCounter<long>("tessera.sessions.rejected", description: "Presented session cookies that did not open, by reason.");

    public static Counter<long> Conflicts { get; } = Meter.CreateCounter<long>("tessera.store.conflicts", description: "Saves that lost a race and were merged.");
}
