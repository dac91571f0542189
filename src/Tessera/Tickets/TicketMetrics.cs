using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Tessera.Diagnostics;

namespace Tessera.Tickets;

/// <summary>
/// The one place an auth_tkt verdict is counted: <c>tessera.ticket.validations{tessera.ticket.scheme, tessera.ticket.verdict}</c>,
/// <c>tessera.ticket.refreshes</c> and <c>tessera.ticket.old_secret_matches</c>; tag values are cached so a measurement
/// allocates nothing. The ASP.NET Core handler does not count them again.
/// </summary>
internal static class TicketMetrics
{
    public static void Record(TesseraMetrics metrics, TicketScheme scheme, TicketVerdict verdict)
    {
        var schemeTag = new KeyValuePair<string, object?>("tessera.ticket.scheme", EnumTag<TicketScheme>.Of(scheme));
        if (metrics.TicketValidations.Enabled)
        {
            metrics.TicketValidations.Add(1, schemeTag, new KeyValuePair<string, object?>("tessera.ticket.verdict", verdict.IsValid ? "accepted" : EnumTag<TicketRejection>.Of(verdict.Reason)));
        }

        if (verdict.IsValid && verdict.RefreshCookieValue is not null)
        {
            metrics.TicketRefreshes.Add(1, schemeTag);
        }

        if (verdict.IsValid && verdict.MatchedOldSecret)
        {
            metrics.TicketOldSecretMatches.Add(1, schemeTag);
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
