namespace Tessera.Tickets;

/// <summary>The outcome of validating a ticket: valid with its fields, or rejected with a reason.</summary>
public sealed class TicketVerdict
{
    private TicketVerdict(TicketRejection reason, AuthTicket? ticket, bool matchedOldSecret, string? refreshCookieValue)
    {
        Reason = reason;
        Ticket = ticket;
        MatchedOldSecret = matchedOldSecret;
        RefreshCookieValue = refreshCookieValue;
    }

    /// <summary>Whether the ticket was accepted.</summary>
    public bool IsValid => Reason == TicketRejection.None;

    /// <summary>Why the ticket was rejected; <see cref="TicketRejection.None"/> when valid.</summary>
    public TicketRejection Reason { get; }

    /// <summary>The ticket's fields when valid; otherwise <see langword="null"/>.</summary>
    public AuthTicket? Ticket { get; }

    /// <summary>Whether the ticket verified only with an older secret (not the newest). The caller should re-issue it; <see cref="RefreshCookieValue"/> holds the new cookie.</summary>
    public bool MatchedOldSecret { get; }

    /// <summary>
    /// A fresh cookie value (standard base64) to send back, or <see langword="null"/>. Set when a refresh is due
    /// (<see cref="TicketOptions.RefreshFraction"/>) or the ticket matched only an old secret. The new ticket is stamped
    /// with the validation time, signed with the newest secret and laid out <c>uid!tokens!data</c> as Apache writes it.
    /// </summary>
    public string? RefreshCookieValue { get; }

    internal static TicketVerdict Reject(TicketRejection reason) => Rejections[(int)reason];

    internal static TicketVerdict Accept(AuthTicket ticket, bool matchedOldSecret, string? refreshCookieValue) =>
        new(TicketRejection.None, ticket, matchedOldSecret, refreshCookieValue);

    // One shared instance per reason keeps a rejecting validation allocation-free.
    private static readonly TicketVerdict[] Rejections =
        [.. Enum.GetValues<TicketRejection>().Select(r => new TicketVerdict(r, null, false, null))];
}
