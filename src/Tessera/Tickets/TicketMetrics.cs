using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Tessera.Diagnostics;

namespace Tessera.Tickets;

/// <summary>
/// Counters of ticket verdicts on the <c>Tessera</c> meter: <c>tessera.tickets.validated{scheme}</c>,
/// <c>tessera.tickets.rejected{scheme, reason}</c>, <c>tessera.tickets.refreshed{scheme}</c> and
/// <c>tessera.tickets.old_secret_matches{scheme}</c>. Tag values are the enum names, cached so a measurement allocates nothing.
/// </summary>
internal static class TicketMetrics
{
    private static readonly Counter<long> Validated =
        TesseraMeter.Meter.CreateCounter<long>("tessera.tickets.validated", description: "auth_tkt tickets accepted, by scheme.");

    private static readonly Counter<long> Rejected =
        TesseraMeter.Meter.CreateCounter<long>("tessera.tickets.rejected", description: "auth_tkt tickets not accepted, by scheme and reason.");

    private static readonly Counter<long> Refreshed =
        TesseraMeter.Meter.CreateCounter<long>("tessera.tickets.refreshed", description: "Accepted auth_tkt tickets for which a fresh cookie was produced (refresh due or older secret), by scheme.");

    private static readonly Counter<long> OldSecret =
        TesseraMeter.Meter.CreateCounter<long>("tessera.tickets.old_secret_matches", description: "Accepted auth_tkt tickets that verified only with an older secret, by scheme.");

    private static readonly string[] SchemeNames = Enum.GetNames<TicketScheme>();
    private static readonly string[] ReasonNames = Enum.GetNames<TicketRejection>();

    public static void Record(TicketScheme scheme, TicketVerdict verdict)
    {
        var schemeTag = new KeyValuePair<string, object?>("scheme", SchemeNames[(int)scheme]);
        if (!verdict.IsValid)
        {
            if (Rejected.Enabled)
            {
                Rejected.Add(1, schemeTag, new KeyValuePair<string, object?>("reason", ReasonNames[(int)verdict.Reason]));
            }

            return;
        }

        Validated.Add(1, schemeTag);
        if (verdict.RefreshCookieValue is not null)
        {
            Refreshed.Add(1, schemeTag);
        }

        if (verdict.MatchedOldSecret)
        {
            OldSecret.Add(1, schemeTag);
        }
    }

    /// <summary>A short, non-reversible tag for a presented value: the first 4 bytes of its SHA-256. Computed only when a message is logged.</summary>
    public static uint Fingerprint(ReadOnlySpan<byte> presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(presented, hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <inheritdoc cref="Fingerprint(ReadOnlySpan{byte})"/>
    public static uint Fingerprint(ReadOnlySpan<char> presented) => Fingerprint(MemoryMarshal.AsBytes(presented));
}
